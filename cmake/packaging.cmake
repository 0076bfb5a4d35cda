# Debian packages, one per install component (cmake/install.cmake), cut by CPack:
#   cmake --build build --target package   (or scripts/package.sh, which also runs lintian)
# Dependencies on Debian's libraries are computed by dpkg-shlibdeps from what each binary links;
# only what no binary links (the CUDA toolkit's packages, the dataset) is named by hand here.
if(NETWRIGHT_PREBUILT_CORE)
  return()
endif()

set(NW_DEB_MAINTAINER "Netwright developers <packages@netwright.org>")
set(NW_DOC_OUT ${PROJECT_BINARY_DIR}/packaging/doc)

# Every package carries the copyright file and a compressed changelog in /usr/share/doc/<name>.
function(nw_package component name section summary description)
  string(TOUPPER ${component} C)
  set(CPACK_DEBIAN_${C}_PACKAGE_NAME ${name} PARENT_SCOPE)
  set(CPACK_DEBIAN_${C}_PACKAGE_SECTION ${section} PARENT_SCOPE)
  set(CPACK_COMPONENT_${C}_DESCRIPTION "${summary}\n${description}" PARENT_SCOPE)
  file(MAKE_DIRECTORY ${NW_DOC_OUT}/${name})
  configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/changelog.in
                 ${NW_DOC_OUT}/${name}/changelog @ONLY)
  execute_process(COMMAND gzip -9nf ${NW_DOC_OUT}/${name}/changelog)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/copyright ${NW_DOC_OUT}/${name}/changelog.gz
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${name} COMPONENT ${component})
endfunction()

set(NW_ABOUT "Netwright builds neural networks from layers wired in a node editor
and trains them on its own tensor and autograd core, on the CPU or on a
CUDA GPU.")
nw_package(core libnetwright-core0 libs "neural network core library of Netwright"
  "${NW_ABOUT}\nThis package holds the shared core: tensors, autograd, layers,
optimizers, data loading, project files, checkpoints, training, ONNX and
PyTorch interchange.")
nw_package(dev libnetwright-core-dev libdevel "neural network core library of Netwright (development files)"
  "${NW_ABOUT}\nThis package holds the C++ headers and the CMake package:
find_package(Netwright) gives the target Netwright::core.")
nw_package(cli netwright-cli science "train and run Netwright projects from the command line"
  "${NW_ABOUT}\nnetwright-cli trains, evaluates, exports and imports the projects of
the desktop application without a display, for scripts, servers and
clusters.")
nw_package(app netwright science "build neural networks visually and train them"
  "${NW_ABOUT}\nThe desktop application: a palette of layers, a node editor with
live shape checks, training with live loss and accuracy plots,
evaluation with a confusion matrix, and export to ONNX and PyTorch.")
nw_package(examples netwright-examples science "example projects for Netwright"
  "${NW_ABOUT}\nThe tutorial's networks as ready projects in
/usr/share/netwright/projects: an MLP, a CNN and an LSTM on
Fashion-MNIST, a binary classifier, ResNet-18 and transfer learning.")
set(NW_PACKAGE_COMPONENTS core dev cli app examples)
if(TARGET netwright_cuda)
  nw_package(cuda netwright-cuda science "CUDA backend for Netwright"
    "${NW_ABOUT}\nThe plugin that runs Netwright's tensors on NVIDIA GPUs with CUDA
and cuBLAS. It needs NVIDIA's CUDA runtime libraries from NVIDIA's
package repository.")
  list(APPEND NW_PACKAGE_COMPONENTS cuda)
endif()
if(NOT TARGET netwright)
  list(REMOVE_ITEM NW_PACKAGE_COMPONENTS app)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME netwright)
set(CPACK_PACKAGE_VENDOR "Netwright")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_HOMEPAGE_URL "https://netwright.org")
set(CPACK_PACKAGE_INSTALL_DIRECTORY netwright)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL ${NW_PACKAGE_COMPONENTS})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SOURCE netwright)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${NW_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libnetwright_core.so.0 is in the build tree, not yet installed; the component dependencies below
# name its package.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_LIBRARY_OUTPUT_DIRECTORY})
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)  # for the core only: the plugin has no SONAME
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

# Between our own packages: exact versions (one build, one ABI).
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_COMPONENT_DEV_DEPENDS core)
set(CPACK_COMPONENT_CLI_DEPENDS core)
set(CPACK_COMPONENT_APP_DEPENDS core)
set(CPACK_COMPONENT_CUDA_DEPENDS core)
# OpenBLAS built on OpenMP shares the core's OpenMP threads (see the top CMakeLists.txt); the
# alternatives system picks it when the pthread build is not also installed.
set(CPACK_DEBIAN_CORE_PACKAGE_DEPENDS "libopenblas0-openmp")
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "nlohmann-json3-dev")
# Qt loads SVG icons through a plugin, which no binary links.
set(CPACK_DEBIAN_APP_PACKAGE_DEPENDS "libqt6svg6")
set(CPACK_DEBIAN_APP_PACKAGE_RECOMMENDS "netwright-examples, netwright-cli")
set(CPACK_DEBIAN_CLI_PACKAGE_RECOMMENDS "netwright-examples")
if(NETWRIGHT_MPI_ENABLED)
  set(CPACK_DEBIAN_CLI_PACKAGE_SUGGESTS "openmpi-bin")  # mpirun, for data-parallel training
endif()
set(CPACK_DEBIAN_EXAMPLES_PACKAGE_RECOMMENDS "dataset-fashion-mnist")
set(CPACK_DEBIAN_EXAMPLES_PACKAGE_ARCHITECTURE all)
# The CUDA libraries come from NVIDIA's repository, which dpkg-shlibdeps does not know here, so
# their packages are named (CUDA 13's names).
set(CPACK_DEBIAN_CUDA_PACKAGE_DEPENDS "cuda-cudart-13-0, libcublas-13-0")
if(NETWRIGHT_NCCL_VERSION)  # gpu/CMakeLists.txt: the plugin links libnccl.so.2
  string(APPEND CPACK_DEBIAN_CUDA_PACKAGE_DEPENDS ", libnccl2")
endif()
# The core package activates dpkg's ldconfig trigger instead of calling ldconfig from scripts that
# CPack would otherwise generate (lintian: maintscript-calls-ldconfig).
set(NW_DEB ${PROJECT_SOURCE_DIR}/packaging/debian)
set(CPACK_DEBIAN_CORE_PACKAGE_CONTROL_EXTRA ${NW_DEB}/triggers ${NW_DEB}/postinst ${NW_DEB}/postrm)

include(CPack)
