# What `cmake --install` puts where, by component (one Debian package each; cmake/packaging.cmake).
# Installed binaries carry no run path into the build tree: the core lives in the linker's default
# folder, and the CUDA plugin in a private folder that the core's loader looks in by name.
if(NETWRIGHT_PREBUILT_CORE)
  return()  # a front-end-only build has no core to install
endif()

set_target_properties(netwright_core PROPERTIES
  VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR} EXPORT_NAME core)
install(TARGETS netwright_core EXPORT NetwrightTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT core NAMELINK_COMPONENT dev)
install(TARGETS netwright-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)
if(TARGET netwright)
  install(TARGETS netwright RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT app)
endif()
if(TARGET netwright_cuda)
  install(TARGETS netwright_cuda LIBRARY DESTINATION ${NW_INSTALL_PLUGINDIR} COMPONENT cuda)
endif()

# The public headers, with core/ as their include root. Left out: the few headers that include
# a private dependency's own headers (ONNX's protobuf classes, HDF5, OpenMP, CBLAS), which only
# the core's sources use.
set(NW_INSTALL_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}/netwright")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/ DESTINATION ${NW_INSTALL_INCLUDEDIR} COMPONENT dev
  FILES_MATCHING PATTERN "*.h"
  PATTERN "cpu/optim_loops.h" EXCLUDE PATTERN "cpu/strided_loop.h" EXCLUDE
  PATTERN "cpu/conv_im2col.h" EXCLUDE PATTERN "io/h5_util.h" EXCLUDE
  PATTERN "interop/onnx_shapes.h" EXCLUDE PATTERN "interop/onnx_node_writer.h" EXCLUDE)
target_include_directories(netwright_core INTERFACE $<INSTALL_INTERFACE:${NW_INSTALL_INCLUDEDIR}>)

# find_package(Netwright) gives Netwright::core.
include(CMakePackageConfigHelpers)
set(NW_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/Netwright")
install(EXPORT NetwrightTargets NAMESPACE Netwright:: DESTINATION ${NW_INSTALL_CMAKEDIR}
  COMPONENT dev)
configure_package_config_file(${PROJECT_SOURCE_DIR}/packaging/NetwrightConfig.cmake.in
  ${PROJECT_BINARY_DIR}/packaging/NetwrightConfig.cmake INSTALL_DESTINATION ${NW_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/packaging/NetwrightConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/packaging/NetwrightConfig.cmake
              ${PROJECT_BINARY_DIR}/packaging/NetwrightConfigVersion.cmake
  DESTINATION ${NW_INSTALL_CMAKEDIR} COMPONENT dev)

# The bundled projects (their runs/ folders are the user's, not ours).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/projects/ DESTINATION ${NW_INSTALL_DATADIR}/projects
  COMPONENT examples FILES_MATCHING PATTERN "*.nwproj" PATTERN "runs" EXCLUDE)

# Desktop integration: the menu entry, the icons, the project file type, the AppStream record.
set(NW_LINUX ${PROJECT_SOURCE_DIR}/packaging/linux)
install(FILES ${NW_LINUX}/org.netwright.Netwright.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications
  COMPONENT app)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/netwright.svg
  DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps COMPONENT app)
install(FILES ${NW_LINUX}/application-x-netwright-project.svg
  DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/mimetypes COMPONENT app)
install(FILES ${NW_LINUX}/netwright-mime.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages
  RENAME netwright.xml COMPONENT app)
install(FILES ${NW_LINUX}/org.netwright.Netwright.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo
  COMPONENT app)
