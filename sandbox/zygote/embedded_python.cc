#include "sandbox/zygote/embedded_python.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace proctor::sandbox::zygote {
namespace {

constexpr char kPython[] = "/usr/bin/python3";

// The environment the interpreter was started with: a run may only skip exec when its own
// would have made the same interpreter (locale and encoding are fixed at start-up).
std::vector<std::string> StartupLocaleEnv() {
  std::vector<std::string> out;
  for (const char* key : {"LANG", "LC_ALL", "LC_CTYPE"}) {
    const char* v = std::getenv(key);
    out.push_back(std::string(key) + "=" + (v ? v : ""));
  }
  return out;
}

// Index of the script in `argv` when it is `python3 [-I|-S|-B]... SCRIPT ARGS...` with -I
// and -S (the flags the zygote was started with), else 0.
size_t ScriptIndex(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] != kPython) return 0;
  bool isolated = false, no_site = false;
  size_t i = 1;
  for (; i < argv.size() && !argv[i].empty() && argv[i][0] == '-'; ++i) {
    if (argv[i] == "-I") isolated = true;
    else if (argv[i] == "-S") no_site = true;
    else if (argv[i] != "-B") return 0;
  }
  return isolated && no_site && i < argv.size() ? i : 0;
}

bool Accepts(const KeeperRequest& request) {
  if (ScriptIndex(request.argv) == 0) return false;
  static const std::vector<std::string> startup = StartupLocaleEnv();
  for (const std::string& kv : startup) {
    const std::string key = kv.substr(0, kv.find('='));
    auto it = request.policy.env.find(key);
    if ((it == request.policy.env.end() ? key + "=" : key + "=" + it->second) != kv) return false;
  }
  return true;
}

[[noreturn]] void Exit(int status) {
  std::fflush(nullptr);
  ::_exit(status);
}

// The script's code from a valid timestamp .pyc beside it (__pycache__, as `compileall`
// writes: Proctor's own runners are compiled at build time), else nullptr: compiling the
// runners was most of a run's own CPU. A submission's files have no .pyc and are compiled.
PyObject* CachedCode(PyObject* path) {
  static const char kLoader[] =
      "def _proctor_cached_code(path):\n"
      "    import importlib.util, marshal, os\n"
      "    try:\n"
      "        st = os.stat(path)\n"
      "        with open(importlib.util.cache_from_source(path), 'rb') as f:\n"
      "            data = f.read()\n"
      "    except (OSError, ValueError):\n"
      "        return None\n"
      "    if (data[:4] != importlib.util.MAGIC_NUMBER or data[4:8] != bytes(4) or\n"
      "            int.from_bytes(data[8:12], 'little') != int(st.st_mtime) & 0xFFFFFFFF or\n"
      "            int.from_bytes(data[12:16], 'little') != st.st_size & 0xFFFFFFFF):\n"
      "        return None\n"
      "    return marshal.loads(data[16:])\n";
  PyObject* scratch = PyDict_New();
  if (scratch == nullptr) return nullptr;
  PyDict_SetItemString(scratch, "__builtins__", PyEval_GetBuiltins());
  PyObject* code = nullptr;
  PyObject* r = PyRun_String(kLoader, Py_file_input, scratch, scratch);
  PyObject* fn = r ? PyDict_GetItemString(scratch, "_proctor_cached_code") : nullptr;
  if (fn != nullptr) code = PyObject_CallOneArg(fn, path);
  Py_XDECREF(r);
  Py_DECREF(scratch);
  PyErr_Clear();
  if (code == Py_None || (code != nullptr && !PyCode_Check(code))) {
    Py_DECREF(code);
    code = nullptr;
  }
  return code;
}

// What CPython's main does once the script has run or raised, without the interpreter's
// teardown: that walks every object of the preloaded image (copying each page from the
// zygote) for nothing, since the process ends right after. Kept: SystemExit codes, the
// traceback and status 1 of an uncaught exception, death by SIGINT for KeyboardInterrupt,
// then waiting for non-daemon threads, atexit callbacks, and flushing stdio (120 if that fails).
int ExitStatusAfterMain(bool ok) {
  int status = 0;
  bool interrupted = false;
  if (!ok) {
    if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
      PyObject *type, *value, *tb;
      PyErr_Fetch(&type, &value, &tb);
      PyErr_NormalizeException(&type, &value, &tb);
      PyObject* code = value ? PyObject_GetAttrString(value, "code") : nullptr;
      PyErr_Clear();
      if (code == nullptr || code == Py_None) {
        status = 0;
      } else if (PyLong_Check(code)) {
        status = static_cast<int>(PyLong_AsLong(code));
        PyErr_Clear();
      } else {
        PyObject* sys_stderr = PySys_GetObject("stderr");
        if (sys_stderr != nullptr && sys_stderr != Py_None) {
          PyFile_WriteObject(code, sys_stderr, Py_PRINT_RAW);
          PyFile_WriteString("\n", sys_stderr);
        }
        PyErr_Clear();
        status = 1;
      }
      Py_XDECREF(code);
      Py_XDECREF(type);
      Py_XDECREF(value);
      Py_XDECREF(tb);
    } else {
      interrupted = PyErr_ExceptionMatches(PyExc_KeyboardInterrupt);
      PyErr_Print();
      status = 1;
    }
  }
  // Py_FinalizeEx's first steps, in its order.
  PyObject* threading = PyImport_GetModule(PyUnicode_FromString("threading"));
  if (threading != nullptr) {
    PyObject* r = PyObject_CallMethod(threading, "_shutdown", nullptr);
    if (r == nullptr) PyErr_WriteUnraisable(threading);
    Py_XDECREF(r);
    Py_DECREF(threading);
  }
  PyErr_Clear();
  PyObject* atexit = PyImport_ImportModule("atexit");
  if (atexit != nullptr) {
    PyObject* r = PyObject_CallMethod(atexit, "_run_exitfuncs", nullptr);
    Py_XDECREF(r);
    Py_DECREF(atexit);
  }
  PyErr_Clear();
  for (const char* name : {"stdout", "stderr"}) {
    PyObject* stream = PySys_GetObject(name);
    if (stream == nullptr || stream == Py_None) continue;
    PyObject* r = PyObject_CallMethod(stream, "flush", nullptr);
    if (r == nullptr) {
      PyErr_Clear();
      if (status == 0 && name[3] == 'o') status = 120;
    }
    Py_XDECREF(r);
  }
  if (interrupted) {
    std::fflush(nullptr);
    ::signal(SIGINT, SIG_DFL);
    ::kill(::getpid(), SIGINT);
  }
  return status & 0xff;
}

// Runs in the program's process (unprivileged, seccomp'd): what `python3 -I -S -B SCRIPT`
// does after start-up. Any failure here is reported the way CPython reports it.
[[noreturn]] void Run(const KeeperRequest& request) {
  // Like after execve: the process is its own again (/proc/self readable by its uid).
  ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  ::prctl(PR_SET_NAME, "python3", 0, 0, 0);
  PyOS_AfterFork_Child();  // fresh thread state, at-fork hooks (random reseeds itself)
  // CPython ignores these at start-up; RunInit reset every handler to the default.
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGXFSZ, SIG_IGN);

  const size_t script_at = ScriptIndex(request.argv);
  const std::string& script = request.argv[script_at];
  PyObject* argv = PyList_New(0);
  PyObject* env = PyDict_New();
  if (argv == nullptr || env == nullptr) Exit(120);
  for (size_t i = script_at; i < request.argv.size(); ++i) {
    PyObject* s = PyUnicode_DecodeFSDefault(request.argv[i].c_str());
    if (s == nullptr || PyList_Append(argv, s) != 0) Exit(120);
    Py_DECREF(s);
  }
  for (const auto& [k, v] : request.policy.env) {
    PyObject* key = PyUnicode_DecodeFSDefault(k.c_str());
    PyObject* value = PyUnicode_DecodeFSDefault(v.c_str());
    if (key == nullptr || value == nullptr || PyDict_SetItem(env, key, value) != 0) Exit(120);
    Py_DECREF(key);
    Py_DECREF(value);
  }
  if (PySys_SetObject("argv", argv) != 0 || PySys_SetObject("_proctor_env", env) != 0) Exit(120);
  Py_DECREF(argv);
  Py_DECREF(env);
  // The run's environment and SIGINT handler, as a fresh interpreter would have them. Runs in
  // a scratch namespace so that the script's __main__ starts clean.
  PyObject* scratch = PyDict_New();
  PyDict_SetItemString(scratch, "__builtins__", PyEval_GetBuiltins());
  PyObject* r = PyRun_String(
      "import os, signal, sys\n"
      "os.environ.clear()\n"
      "os.environ.update(sys._proctor_env)\n"
      "del sys._proctor_env\n"
      "signal.signal(signal.SIGINT, signal.default_int_handler)\n",
      Py_file_input, scratch, scratch);
  if (r == nullptr) {
    PyErr_Print();
    Exit(120);
  }
  Py_DECREF(r);
  Py_DECREF(scratch);

  FILE* fp = std::fopen(script.c_str(), "rb");
  if (fp == nullptr) {
    const int err = errno;
    std::fprintf(stderr, "%s: can't open file '%s': [Errno %d] %s\n", kPython, script.c_str(),
                 err, std::strerror(err));
    Exit(2);
  }
  // What PyRun_SimpleFile does, minus its exit path (which finalizes the interpreter).
  PyObject* main_module = PyImport_AddModule("__main__");
  PyObject* globals = main_module ? PyModule_GetDict(main_module) : nullptr;
  PyObject* file = PyUnicode_DecodeFSDefault(script.c_str());
  if (globals == nullptr || file == nullptr || PyDict_SetItemString(globals, "__file__", file) != 0 ||
      PyDict_SetItemString(globals, "__cached__", Py_None) != 0)
    Exit(120);
  PyObject* code = CachedCode(file);
  PyObject* result = nullptr;
  if (code != nullptr) {
    std::fclose(fp);
    result = PyEval_EvalCode(code, globals, globals);
    Py_DECREF(code);
  } else {
    result = PyRun_FileExFlags(fp, script.c_str(), Py_file_input, globals, globals, 1, nullptr);
  }
  Py_XDECREF(result);
  Exit(ExitStatusAfterMain(result != nullptr));
}
bool AcceptsHook(const KeeperRequest& request) { return Accepts(request); }
void RunHook(const KeeperRequest& request) { Run(request); }

}  // namespace

bool StartPython(const std::vector<std::string>& preload, std::string* error) {
  PyConfig config;
  // Exactly the command line's configuration (locale from LANG, like `python3`), then -I:
  // no PYTHON* variables, no user site, the script's directory not on sys.path.
  PyConfig_InitPythonConfig(&config);
  config.isolated = 1;
  config.use_environment = 0;
  config.user_site_directory = 0;
  config.safe_path = 1;
  config.site_import = 0;                // -S
  config.write_bytecode = 0;             // -B
  config.install_signal_handlers = 1;
  config.parse_argv = 0;
  PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, kPython);
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) {
    *error = std::string("python start-up: ") + (status.err_msg ? status.err_msg : "failed");
    return false;
  }
  for (const std::string& name : preload) {
    PyObject* module = PyImport_ImportModule(name.c_str());
    if (module == nullptr) {
      PyErr_Clear();
      *error = "python preload: cannot import " + name;
      return false;
    }
    Py_DECREF(module);
  }
  // Everything allocated so far is shared with every run: keep the collector off it so that
  // runs do not copy those pages just to walk them.
  PyObject* gc = PyImport_ImportModule("gc");
  if (gc != nullptr) {
    PyObject* r = PyObject_CallMethod(gc, "freeze", nullptr);
    Py_XDECREF(r);
    Py_DECREF(gc);
  }
  PyErr_Clear();
  return true;
}

const keeper::InProcessProgram& PythonInProcess() {
  static const keeper::InProcessProgram hooks{&AcceptsHook, &RunHook};
  return hooks;
}

}  // namespace proctor::sandbox::zygote
