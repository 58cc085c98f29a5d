/**
 * The Python half of the sandbox: source code run once inside Pyodide when a session starts.
 * It defines how a cell runs (last expression displayed like a notebook, traceback text limited to
 * the model's own code), captures and caps `stdout`/`stderr`, and closes Python-level escape hatches
 * (the `js`/`pyodide` bridge, sockets, process creation (`os.system`, `os.popen`, `subprocess`,
 * `os.posix_spawn`, `os.exec*`, `os.fork`, `os.kill`), `ctypes` and the interpreter test modules).
 *
 * The source evaluates to a factory `create_runtime(emit, options)` that returns the cell runner.
 */

/** Modules the sandboxed code may not import (the top-level name is checked). */
export const PYTHON_BLOCKED_MODULES: readonly string[] = [
  'js',
  'pyodide_js',
  'pyodide',
  '_pyodide',
  '_pyodide_core',
  'micropip',
  'ctypes',
  '_ctypes',
  '_testcapi',
  '_testinternalcapi',
  '_testlimitedcapi',
  '_testbuffer',
  '_testclinic',
  '_testclinic_limited',
  '_xxtestfuzz',
  '_remote_debugging',
  '_posixsubprocess',
];

/**
 * The runtime source. Kept as one string so the worker needs no file access; every name it defines
 * starts with `_harmony` or lives inside `create_runtime`, away from the user's namespace.
 */
export const PYTHON_RUNTIME_SOURCE = String.raw`
import ast as _harmony_ast
import builtins as _harmony_builtins
import io as _harmony_io
import linecache as _harmony_linecache
import os as _harmony_os
import sys as _harmony_sys
import time as _harmony_time
import traceback as _harmony_traceback


def create_runtime(emit, options):
    blocked = frozenset(options["blocked_modules"])
    budget = {"left": int(options["max_output_characters"]), "dropped": 0}
    stateful = bool(options["stateful"])
    network_message = "network access is disabled in this Python sandbox"
    RUNTIME_FILENAME = create_runtime.__code__.co_filename

    class Output(_harmony_io.TextIOBase):
        """A capped text stream that forwards what it keeps to the host in batches."""

        def __init__(self, name):
            self.stream_name = name
            self.pending = []
            self.pending_size = 0
            self.last_flush = _harmony_time.monotonic()

        @property
        def encoding(self):
            return "utf-8"

        def writable(self):
            return True

        def isatty(self):
            return False

        def write(self, text):
            if not isinstance(text, str):
                raise TypeError(f"write() argument must be str, not {type(text).__name__}")
            left = budget["left"]
            if left <= 0:
                budget["dropped"] += len(text)
                return len(text)
            kept = text if len(text) <= left else text[:left]
            budget["dropped"] += len(text) - len(kept)
            budget["left"] = left - len(kept)
            self.pending.append(kept)
            self.pending_size += len(kept)
            now = _harmony_time.monotonic()
            if self.pending_size >= 8192 or now - self.last_flush >= 0.2:
                self.flush()
            return len(text)

        def flush(self):
            if self.pending:
                text = "".join(self.pending)
                self.pending = []
                self.pending_size = 0
                emit(self.stream_name, text)
            self.last_flush = _harmony_time.monotonic()

    def checked_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name.split(".")[0] in blocked:
            raise ImportError(
                f"import of '{name}' is disabled in this Python sandbox "
                "(no access to the JavaScript host, native memory or the network)",
                name=name,
            )
        return _harmony_builtins.__import__(name, globals, locals, fromlist, level)

    class BlockedFinder:
        """Refuses blocked modules for imports that bypass __import__ (importlib)."""

        @staticmethod
        def find_spec(name, path=None, target=None):
            if name.split(".")[0] in blocked:
                raise ImportError(f"import of '{name}' is disabled in this Python sandbox", name=name)
            return None

    def refuse_network(*args, **kwargs):
        raise PermissionError(13, network_message)

    import socket as network

    class ClosedSocket(network.socket):
        def __init__(self, *args, **kwargs):
            raise PermissionError(13, network_message)

    network.socket = ClosedSocket
    for function_name in (
        "create_connection",
        "create_server",
        "getaddrinfo",
        "gethostbyname",
        "gethostbyname_ex",
        "gethostbyaddr",
        "getnameinfo",
        "socketpair",
        "fromfd",
    ):
        setattr(network, function_name, refuse_network)

    for name in list(_harmony_sys.modules):
        if name.split(".")[0] in ("js", "pyodide_js", "micropip"):
            del _harmony_sys.modules[name]
    _harmony_sys.meta_path.insert(0, BlockedFinder)
    _harmony_sys.stdin = _harmony_io.StringIO("")

    safe_builtins = dict(_harmony_builtins.__dict__)
    safe_builtins["__import__"] = checked_import

    def new_namespace():
        return {"__name__": "__main__", "__doc__": None, "__builtins__": safe_builtins}

    state = {"namespace": new_namespace(), "cell": 0}

    def user_traceback(error):
        report = _harmony_traceback.TracebackException.from_exception(error)
        pending = [report]
        seen = set()
        while pending:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            kept = [frame for frame in current.stack if frame.filename != RUNTIME_FILENAME]
            current.stack = _harmony_traceback.StackSummary.from_list(kept)
            for linked in (current.__cause__, current.__context__):
                if linked is not None:
                    pending.append(linked)
            pending.extend(getattr(current, "exceptions", None) or [])
        return "".join(report.format())

    def run_cell(code):
        state["cell"] += 1
        filename = f"<cell {state['cell']}>"
        if not stateful:
            state["namespace"] = new_namespace()
        namespace = state["namespace"]
        _harmony_linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        budget["left"] = int(options["max_output_characters"])
        budget["dropped"] = 0
        stdout = Output("stdout")
        stderr = Output("stderr")
        saved = (_harmony_sys.stdout, _harmony_sys.stderr)
        _harmony_sys.stdout, _harmony_sys.stderr = stdout, stderr
        failure = None
        try:
            try:
                tree = _harmony_ast.parse(code, filename, "exec")
                last = None
                if tree.body and isinstance(tree.body[-1], _harmony_ast.Expr):
                    last = _harmony_ast.Expression(tree.body.pop().value)
                exec(compile(tree, filename, "exec"), namespace)
                if last is not None:
                    value = eval(compile(last, filename, "eval"), namespace)
                    if value is not None:
                        namespace["_"] = value
                        stdout.write(repr(value) + "\n")
            except SystemExit as error:
                failure = f"SystemExit: {error.code}\n"
            except BaseException as error:
                failure = user_traceback(error)
        finally:
            _harmony_sys.stdout, _harmony_sys.stderr = saved
            stdout.flush()
            stderr.flush()
        if failure is not None:
            limit = int(options["max_traceback_characters"])
            if len(failure) > limit:
                failure = "[traceback truncated]\n" + failure[-limit:]
            emit("traceback", failure)
        return budget["dropped"]

    def exit_process(status):
        raise SystemExit(status)

    process_message = "starting or signalling processes is disabled in this Python sandbox"

    def refuse_process(*args, **kwargs):
        raise PermissionError(13, process_message)

    import posix as _harmony_posix
    import subprocess as _harmony_subprocess

    process_functions = [
        name
        for name in dir(_harmony_os)
        if name.startswith(("exec", "spawn", "posix_spawn", "fork", "wait", "kill"))
        or name in ("system", "popen", "startfile", "pidfd_open")
    ]
    for module in (_harmony_os, _harmony_posix):
        for name in process_functions:
            if hasattr(module, name):
                setattr(module, name, refuse_process)

    class ClosedPopen(_harmony_subprocess.Popen):
        def __init__(self, *args, **kwargs):
            raise PermissionError(13, process_message)

    _harmony_subprocess.Popen = ClosedPopen
    for name in ("_fork_exec", "_posixsubprocess"):
        if hasattr(_harmony_subprocess, name):
            setattr(_harmony_subprocess, name, None)

    _harmony_os._exit = exit_process
    _harmony_os.makedirs("/mnt/data", exist_ok=True)
    return run_cell


create_runtime
`;
