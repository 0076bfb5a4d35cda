# Precompiled headers for the programs that all parse the same heavy headers: the test programs
# (Qt Test, the core's tensor and project headers), the Qt Widgets library and the CLI (CLI11,
# nlohmann/json). On CI's 2 cores each test program spent 5 of its 8-13 s of compiling in those
# headers; one precompiled copy per folder is parsed once and loaded by the rest.
#
# Our own headers go in angle brackets too: CMake would resolve "x.h" against the folder.
#
# A precompiled header is valid only for the compiler flags and macro definitions it was built
# with, so a group never spans folders (Qt Test defines the test's binary folder). Clang rejects
# one outright when a command-line macro differs, so the sanitizer and fuzz build (clang) turns
# this off.
option(NETWRIGHT_PCH "Precompile the headers shared by the tests, the GUI and the CLI" ON)

# nw_precompile(TARGETS t1 t2 ... HEADERS <a> <dir/b.h> ... [OWNER name LINK libs...])
# With OWNER, a program of that name with an empty main, linked to LINK (the libraries whose
# usage requirements the targets share), builds the header and every target reuses it: GCC
# ignores a precompiled header when a macro defined on its command line is missing from the
# user's, so the owner must carry only what all of them have. Without OWNER, t1 builds it.
function(nw_precompile)
  cmake_parse_arguments(arg "" "OWNER" "TARGETS;HEADERS;LINK" ${ARGN})
  if(NOT NETWRIGHT_PCH OR NOT arg_TARGETS)
    return()
  endif()
  if(arg_OWNER)
    set(owner ${arg_OWNER})
    file(GENERATE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/${owner}.cpp CONTENT "int main() { return 0; }\n")
    add_executable(${owner} EXCLUDE_FROM_ALL ${CMAKE_CURRENT_BINARY_DIR}/${owner}.cpp)
    target_link_libraries(${owner} PRIVATE ${arg_LINK})
    target_compile_options(${owner} PRIVATE ${NETWRIGHT_WARNINGS})
  else()
    list(POP_FRONT arg_TARGETS owner)
  endif()
  target_precompile_headers(${owner} PRIVATE ${arg_HEADERS})
  foreach(target IN LISTS arg_TARGETS)
    target_precompile_headers(${target} REUSE_FROM ${owner})
    # A test includes its own moc output, which leaves AUTOMOC's file empty: loading the
    # precompiled header (200-300 MB) for it would cost more than the test's header saves.
    set_source_files_properties(${CMAKE_CURRENT_BINARY_DIR}/${target}_autogen/mocs_compilation.cpp
                                PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
  endforeach()
endfunction()

# The standard headers most of our sources include.
set(NW_PCH_STD <algorithm> <cmath> <cstdint> <filesystem> <fstream> <functional> <map> <memory>
               <optional> <set> <sstream> <string> <vector>)
