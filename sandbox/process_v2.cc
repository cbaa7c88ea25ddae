// Boost.Process v2's compiled part, built once for the whole project. src.hpp would also pull
// in environment.ipp, which does not compile on Boost 1.81 + GCC 12 with std::filesystem; we
// never use the environment API, so only the pieces we link against are built here.
#define BOOST_PROCESS_V2_SOURCE
#include "sandbox/process_v2.h"

#include <boost/process/v2/detail/impl/last_error.ipp>
#include <boost/process/v2/detail/impl/throw_error.ipp>
#include <boost/process/v2/detail/impl/utf8.ipp>
#include <boost/process/v2/impl/default_launcher.ipp>
#include <boost/process/v2/impl/error.ipp>
#include <boost/process/v2/impl/pid.ipp>
#include <boost/process/v2/impl/process_handle.ipp>
