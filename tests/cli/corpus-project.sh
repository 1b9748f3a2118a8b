# Sourced by the corpus check scripts. corpus-check looks for PROJECT/build/;
# this makes a temporary PROJECT whose build/ is $BUILD, so the same checks
# run against build/ or build-san/. Sets PROJ; removes it on exit.
PROJ=$(mktemp -d)
trap 'rm -rf "$PROJ"' EXIT
ln -s "$PWD/$BUILD" "$PROJ/build"
CORPUS_CHECK=$(cd ../shared/tools && pwd)/corpus-check
