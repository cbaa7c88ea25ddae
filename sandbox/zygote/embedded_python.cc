#include "sandbox/zygote/embedded_python.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

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

// CPython's default int <-> str digit limit (sys.int_info.default_max_str_digits).
constexpr int kDefaultMaxStrDigits = 4300;

// `int_max_str_digits=N` (the value of a -X option) as N, or -1 when it is anything else.
int ParseMaxStrDigits(const std::string& option) {
  constexpr std::string_view kKey = "int_max_str_digits=";
  if (option.rfind(kKey, 0) != 0 || option.size() == kKey.size() ||
      option.size() > kKey.size() + 9) {
    return -1;
  }
  int n = 0;
  for (size_t i = kKey.size(); i < option.size(); ++i) {
    if (option[i] < '0' || option[i] > '9') return -1;
    n = n * 10 + (option[i] - '0');
  }
  return n;  // CPython itself rejects 1..639 at start-up; set_int_max_str_digits does too
}

// How a run's command line is understood: the script's index in argv (0: not a command line
// the zygote runs in-process), the int/str digit limit it asks for, and whether it runs the
// site module (no -S).
struct PythonCommand {
  size_t script_at = 0;
  int max_str_digits = kDefaultMaxStrDigits;
  bool site = true;
};

// `python3 [-I|-S|-B|-X int_max_str_digits=N]... SCRIPT ARGS...` with -I (the zygote was
// started with -I -S; without -S the run calls site.main() itself, which in a sandbox adds
// exit, quit, help and friends to builtins and no paths); any other option makes the run
// exec a fresh interpreter.
PythonCommand ParseCommand(const std::vector<std::string>& argv) {
  PythonCommand command;
  if (argv.empty() || argv[0] != kPython) return command;
  bool isolated = false;
  size_t i = 1;
  for (; i < argv.size() && !argv[i].empty() && argv[i][0] == '-'; ++i) {
    if (argv[i] == "-I") {
      isolated = true;
    } else if (argv[i] == "-S") {
      command.site = false;
    } else if (argv[i] == "-X" || argv[i].rfind("-X", 0) == 0) {
      const std::string option = argv[i] == "-X" ? (++i < argv.size() ? argv[i] : "")
                                                 : argv[i].substr(2);
      const int digits = ParseMaxStrDigits(option);
      if (digits < 0 || (digits > 0 && digits < 640)) return PythonCommand{};
      command.max_str_digits = digits;
    } else if (argv[i] != "-B") {
      return PythonCommand{};
    }
  }
  if (isolated && i < argv.size()) command.script_at = i;
  return command;
}

size_t ScriptIndex(const std::vector<std::string>& argv) { return ParseCommand(argv).script_at; }

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

// Module _proctor_zygote: the Python half of starting a run, compiled once in the zygote (a
// run that compiled it again would copy the zygote's pages for every string it interns).
constexpr char kZygoteModule[] = R"PY(
import importlib.util, io, marshal, os, signal, sys, types

_scripts = {}  # path as runs see it -> (source bytes, code)
_modules = {}  # path as runs see it -> (source bytes, module executed at start-up)


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def load_runtime(host_dir, sandbox_dir, module_stems):
    for name in sorted(os.listdir(host_dir)):
        if not name.endswith(".py"):
            continue
        source = _read(os.path.join(host_dir, name))
        path = sandbox_dir.rstrip("/") + "/" + name
        code = compile(source, path, "exec", dont_inherit=True)
        _scripts[path] = (source, code)
        if name[:-3] in module_stems:
            module = types.ModuleType("_proctor_" + name[:-3])
            module.__file__ = path
            exec(code, module.__dict__)
            _modules[path] = (source, module)
    missing = set(module_stems) - {os.path.basename(p)[:-3] for p in _modules}
    if missing:
        raise ImportError("not in %s: %s" % (host_dir, ", ".join(sorted(missing))))


def _if_unchanged(entry, path):
    # IMPORTANT: only when the run's own file has exactly the preloaded bytes.
    if entry is None:
        return None
    try:
        source = _read(path)
    except OSError:
        return None
    return entry[1] if source == entry[0] else None


def script_code(path):
    """The compiled script at `path` (as the run sees it), or None."""
    return _if_unchanged(_scripts.get(path), path)


def preloaded_module(path):
    """A fresh copy (this process's own) of the library module at `path`, or None."""
    return _if_unchanged(_modules.get(path), path)


def cached_code(path):
    """The code of a valid timestamp .pyc beside `path` (as compileall writes), or None."""
    try:
        st = os.stat(path)
        with open(importlib.util.cache_from_source(path), "rb") as f:
            data = f.read()
    except (OSError, ValueError):
        return None
    if (data[:4] != importlib.util.MAGIC_NUMBER or data[4:8] != bytes(4) or
            int.from_bytes(data[8:12], "little") != int(st.st_mtime) & 0xFFFFFFFF or
            int.from_bytes(data[12:16], "little") != st.st_size & 0xFFFFFFFF):
        return None
    return marshal.loads(data[16:])


_old_stdio = []  # the zygote's own streams, kept so that dropping them flushes nothing


def _fresh_stdio():
    # The zygote's sys.stdin/stdout/stderr were made for ITS descriptors: their FileIO caches
    # whether the fd is seekable and the wrapper chose line buffering from isatty() then. A
    # run's fds 0-2 are other files (pipes), so make the streams anew the way CPython's
    # create_stdio does (buffered, newline "\n", same encoding and errors); otherwise e.g.
    # io.TextIOWrapper(sys.stdout.buffer) fails with "Illegal seek".
    for fd, name, write in ((0, "stdin", False), (1, "stdout", True), (2, "stderr", True)):
        old = getattr(sys, "__%s__" % name)
        _old_stdio.append(old)
        encoding = getattr(old, "encoding", None) or "utf-8"
        errors = getattr(old, "errors", None) or ("backslashreplace" if fd == 2 else "strict")
        try:
            os.fstat(fd)
            buffered = io.open(fd, "wb" if write else "rb", -1, None, None, None, False)
        except OSError:
            stream = None  # as CPython: a closed fd gives None
        else:
            raw = buffered.raw
            raw.name = "<%s>" % name
            stream = io.TextIOWrapper(buffered, encoding, errors, "\n",
                                      raw.isatty() or fd == 2, False)
            stream.mode = "w" if write else "r"
        setattr(sys, name, stream)
        setattr(sys, "__%s__" % name, stream)


def prepare_run(env, max_str_digits, with_site):
    """The run's environment, SIGINT handler, stdio, int/str digit limit and site module, as
    a fresh interpreter would have them."""
    os.environ.clear()
    os.environ.update(env)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _fresh_stdio()
    sys.set_int_max_str_digits(max_str_digits)
    if with_site:
        # What start-up without -S does (the zygote itself started with -S): in the run's own
        # file system, so only the paths that exist there are added.
        import site
        site.main()
)PY";

PyObject* g_zygote_module = nullptr;  // _proctor_zygote's dict

// _proctor_zygote.<name>(arg): a new reference, or nullptr with the error cleared.
PyObject* CallHelper(const char* name, PyObject* arg) {
  PyObject* fn = g_zygote_module ? PyDict_GetItemString(g_zygote_module, name) : nullptr;
  PyObject* r = fn ? PyObject_CallOneArg(fn, arg) : nullptr;
  if (r == nullptr) PyErr_Clear();
  return r;
}

// The script's code: preloaded (Proctor's runners), else from a valid .pyc beside it, else
// nullptr (a submission's files are compiled by the caller).
PyObject* ScriptCode(PyObject* path) {
  for (const char* source : {"script_code", "cached_code"}) {
    PyObject* code = CallHelper(source, path);
    if (code != nullptr && PyCode_Check(code)) return code;
    Py_XDECREF(code);
  }
  return nullptr;
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
  PyObject* threading_name = PyUnicode_FromString("threading");
  PyObject* threading = threading_name ? PyImport_GetModule(threading_name) : nullptr;
  Py_XDECREF(threading_name);
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
  auto flush_std_files = [&status] {
    for (const char* name : {"stdout", "stderr"}) {
      PyObject* stream = PySys_GetObject(name);
      if (stream == nullptr || stream == Py_None) continue;
      // As CPython's flush_std_files: a stream that is closed, or that cannot say whether it
      // is, is skipped, not an error.
      PyObject* closed = PyObject_GetAttrString(stream, "closed");
      const int is_closed = closed != nullptr ? PyObject_IsTrue(closed) : -1;
      Py_XDECREF(closed);
      PyErr_Clear();
      if (is_closed != 0) continue;
      PyObject* r = PyObject_CallMethod(stream, "flush", nullptr);
      if (r == nullptr) {
        PyErr_Clear();
        if (status == 0 && name[3] == 'o') status = 120;
      }
      Py_XDECREF(r);
    }
  };
  flush_std_files();
  // Then what finalize_modules does for the objects the program made. First sys.stdout and
  // friends are the original streams again (a program's own replacement, e.g. the FastIO
  // wrapper of competitive programmers, was flushed above and is not flushed again once its
  // module's globals are gone); then its globals go, so their finalizers run: a file the
  // program wrote to and never closed is flushed there (open(1, "w").write(...) prints under
  // `python3`). The zygote's own image stays untouched (frozen, not reachable from __main__).
  for (const char* name : {"stdin", "stdout", "stderr"}) {
    PyObject* original = PySys_GetObject((std::string("__") + name + "__").c_str());
    if (original != nullptr) PySys_SetObject(name, original);
  }
  PyErr_Clear();
  if (PyObject* main_module = PyImport_AddModule("__main__")) {
    PyDict_Clear(PyModule_GetDict(main_module));
  }
  PyErr_Clear();
  PyGC_Collect();
  PyErr_Clear();
  flush_std_files();
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
  if (PySys_SetObject("argv", argv) != 0) Exit(120);
  Py_DECREF(argv);
  PyObject* ready = nullptr;
  PyObject* fn = g_zygote_module ? PyDict_GetItemString(g_zygote_module, "prepare_run") : nullptr;
  if (fn != nullptr) {
    const PythonCommand command = ParseCommand(request.argv);
    ready = PyObject_CallFunction(fn, "OiO", env, command.max_str_digits,
                                  command.site ? Py_True : Py_False);
  }
  if (ready == nullptr && PyErr_Occurred()) PyErr_Print();
  if (ready == nullptr) {
    std::fprintf(stderr, "proctor-zygote: the run's environment could not be set\n");
    Exit(120);
  }
  Py_DECREF(ready);
  Py_DECREF(env);

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
  PyObject* code = ScriptCode(file);
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

namespace {

// Builds _proctor_zygote (in sys.modules, where the runners look for their preloaded modules)
// and loads `runtime` into it.
bool LoadZygoteModule(const PythonRuntime& runtime, std::string* error) {
  PyObject* module = PyImport_AddModule("_proctor_zygote");  // borrowed, kept by sys.modules
  PyObject* dict = module ? PyModule_GetDict(module) : nullptr;
  PyObject* r = dict ? PyRun_String(kZygoteModule, Py_file_input, dict, dict) : nullptr;
  if (r == nullptr) {
    PyErr_Print();
    *error = "python preload: _proctor_zygote did not compile";
    return false;
  }
  Py_DECREF(r);
  g_zygote_module = dict;
  if (runtime.host_dir.empty()) return true;
  PyObject* stems = PyFrozenSet_New(nullptr);
  for (const std::string& m : runtime.modules) {
    PyObject* s = PyUnicode_FromString(m.c_str());
    PySet_Add(stems, s);
    Py_DECREF(s);
  }
  r = PyObject_CallMethod(module, "load_runtime", "ssO", runtime.host_dir.c_str(),
                          runtime.sandbox_dir.c_str(), stems);
  Py_DECREF(stems);
  if (r == nullptr) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject* text = value ? PyObject_Str(value) : nullptr;
    const char* utf8 = text ? PyUnicode_AsUTF8(text) : nullptr;
    *error = "python runtime " + runtime.host_dir + ": " + (utf8 ? utf8 : "load failed");
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return false;
  }
  Py_DECREF(r);
  return true;
}

}  // namespace

bool StartPython(const std::vector<std::string>& preload, const PythonRuntime& runtime,
                 std::string* error) {
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
  if (!LoadZygoteModule(runtime, error)) return false;
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
