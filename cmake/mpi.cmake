# Optional MPI for data-parallel training (core/dist/). NETWRIGHT_MPI=AUTO builds it when an MPI
# library is found (Debian: libopenmpi-dev) and says what it skipped when not; ON makes a missing
# MPI a hard error; OFF never looks. Without it the single-process build is unchanged, and a
# process started by mpirun says that it cannot join (core/dist/world.cpp).
set(NETWRIGHT_MPI "AUTO" CACHE STRING "Build MPI data-parallel training: AUTO, ON or OFF")
set_property(CACHE NETWRIGHT_MPI PROPERTY STRINGS AUTO ON OFF)
set(NETWRIGHT_MPI_ENABLED OFF)
string(TOUPPER "${NETWRIGHT_MPI}" _nw_mpi)
if(_nw_mpi STREQUAL "OFF" OR _nw_mpi STREQUAL "FALSE" OR _nw_mpi STREQUAL "0")
  message(STATUS "Netwright: MPI disabled (NETWRIGHT_MPI=OFF); one process per run")
  return()
endif()
find_package(MPI COMPONENTS C)
if(NOT MPI_C_FOUND)
  if(_nw_mpi STREQUAL "AUTO")
    message(STATUS "Netwright: no MPI found; one process per run. Install libopenmpi-dev for "
                   "data-parallel training with mpirun.")
    return()
  endif()
  message(FATAL_ERROR "Netwright: NETWRIGHT_MPI=ON but no MPI was found: install libopenmpi-dev "
                      "(and openmpi-bin), or configure with -DNETWRIGHT_MPI=OFF.")
endif()
set(NETWRIGHT_MPI_ENABLED ON)
find_program(NW_MPIEXEC NAMES mpirun mpiexec HINTS ${MPI_C_LIBRARY_DIRS}/../bin)
message(STATUS "Netwright: MPI ${MPI_C_VERSION} (${MPI_C_LIB_NAMES}); launcher ${NW_MPIEXEC}")
