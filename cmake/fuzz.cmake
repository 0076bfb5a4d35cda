# NETWRIGHT_FUZZ: the libFuzzer targets in fuzz/ (scripts/test.sh builds them in build-fuzz and
# runs each for a minute). libFuzzer is clang's, so the build must use clang; everything is built
# with AddressSanitizer, UndefinedBehaviorSanitizer and the fuzzer's coverage instrumentation, so
# that a bug deep in the core stops the run where it happens.
option(NETWRIGHT_FUZZ "Build the libFuzzer targets in fuzz/ (clang, ASan + UBSan)" OFF)
if(NETWRIGHT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "NETWRIGHT_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
