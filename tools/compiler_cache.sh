# Sourced by tools/build.sh and tools/test_python.sh: compile through ccache when it is installed, so
# that the Python package's build (the same library sources, the same flags, in a sibling directory
# of the same depth) reuses the main build's objects instead of compiling them a second time.
# Paths are made relative to the repository (CCACHE_BASEDIR) and the working directory is left out of
# the hash (CCACHE_NOHASHDIR), so objects are shared between build directories and clones.
# XORSEED_CCACHE=off compiles without it.
if [ "${XORSEED_CCACHE:-on}" != off ] && command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}
  export CMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER:-ccache}
  export CMAKE_CUDA_COMPILER_LAUNCHER=${CMAKE_CUDA_COMPILER_LAUNCHER:-ccache}
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
  export CCACHE_NOHASHDIR=1
fi
