# nw_generate_manual(<executable target> COMPONENT <component>): runs the built program with
# --help-man and --help-bash-completion after it is built (part of ALL), and installs the man page
# gzipped into man1 and the script into bash-completion's completions folder. The program prints
# both before it needs a display or a data file, so this runs on any build machine.
# gzip -n leaves the name and time out of its header, so the .gz is the same on every build.
function(nw_generate_manual target)
  cmake_parse_arguments(ARG "" "COMPONENT" "" ${ARGN})
  set(page ${CMAKE_BINARY_DIR}/share/man/man1/${target}.1)
  set(man ${page}.gz)
  set(completion ${CMAKE_BINARY_DIR}/share/bash-completion/completions/${target})
  add_custom_command(
    OUTPUT ${man} ${completion}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/share/man/man1
            ${CMAKE_BINARY_DIR}/share/bash-completion/completions
    # sh for the redirection; it ends with the program's status, so a failure stops the build.
    COMMAND sh -c "\"$1\" --help-man > \"$2\"" sh $<TARGET_FILE:${target}> ${page}
    COMMAND gzip -9nf ${page}
    COMMAND sh -c "\"$1\" --help-bash-completion > \"$2\"" sh $<TARGET_FILE:${target}>
            ${completion}
    DEPENDS ${target}
    COMMENT "Generating the man page and bash completion of ${target}"
    VERBATIM)
  add_custom_target(${target}-manual ALL DEPENDS ${man} ${completion})
  install(FILES ${man} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT ${ARG_COMPONENT})
  install(FILES ${completion} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          COMPONENT ${ARG_COMPONENT})
endfunction()
