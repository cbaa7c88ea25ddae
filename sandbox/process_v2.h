// The one place Boost.Process v2 is included. On Boost 1.81 with GCC 12 its umbrella header and
// environment.hpp do not compile; Asio and Optional first, then only the headers we use, works.
#pragma once

#include <boost/asio.hpp>
#include <boost/optional.hpp>
#include <boost/process/v2/posix/default_launcher.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
