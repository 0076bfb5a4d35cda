# Optional CUDA backend. AUTO builds it when a CUDA compiler is found and says what it skipped
# when not; ON makes a missing toolkit a hard error; OFF never looks.
set(NETWRIGHT_CUDA_ENABLED OFF)
string(TOUPPER "${NETWRIGHT_WITH_CUDA}" _nw_cuda)
if(_nw_cuda STREQUAL "OFF" OR _nw_cuda STREQUAL "FALSE" OR _nw_cuda STREQUAL "0")
  message(STATUS "Netwright: CUDA backend disabled (NETWRIGHT_WITH_CUDA=OFF); CPU only")
  return()
endif()

include(CheckLanguage)
check_language(CUDA)
if(NOT CMAKE_CUDA_COMPILER)
  if(_nw_cuda STREQUAL "AUTO")
    message(STATUS "Netwright: no CUDA compiler found (looked on PATH and in CUDACXX); "
                   "building CPU only. Install the CUDA toolkit under /usr/local/cuda to add the GPU backend.")
    return()
  endif()
  message(FATAL_ERROR "Netwright: NETWRIGHT_WITH_CUDA=ON but no CUDA compiler was found. "
                      "Install the CUDA toolkit (nvcc under /usr/local/cuda/bin) or set CUDACXX, "
                      "or configure with -DNETWRIGHT_WITH_CUDA=OFF.")
endif()

if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
  # Ampere, Ada and Hopper as real code, plus PTX of the newest so later GPUs can JIT it.
  set(CMAKE_CUDA_ARCHITECTURES "80-real;86-real;89-real;90")
endif()
enable_language(CUDA)
find_package(CUDAToolkit REQUIRED)
set(CMAKE_CUDA_STANDARD 20)
set(CMAKE_CUDA_STANDARD_REQUIRED ON)
set(NETWRIGHT_CUDA_ENABLED ON)
message(STATUS "Netwright: building the CUDA backend plugin (CUDA ${CUDAToolkit_VERSION}, "
               "architectures ${CMAKE_CUDA_ARCHITECTURES})")
