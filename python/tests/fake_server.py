"""A small in-process stand-in for `proctor serve`, faithful to docs/protocol.md's shapes.

It runs an asyncio server on its own thread and loop, handles every request as its own task
(so responses really do come back out of order), and grades by keyword instead of sandboxes:
a submission containing PASS scores 1.0, FAIL 0.0, CRASH is ungradeable, FLAKY is ungradeable
the first `flaky_failures` times that exact text is graded (then scored as above), and SLOW
takes longer. Knobs for the tests: `overload_next` (answer that many requests with -32000),
`log` (every request seen, with its connection number), `drop_after_grade` (grade that many
requests, then close the connection unanswered), `graded_keys` (how often each
`idempotency_key` was really graded: a known key is answered from its first grading), and
test-only methods:
`test.sleep {ms, value}`, `test.notify {method, params}` (an unrelated notification, then a
response) and `test.drop` (closes the connection without answering).
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import threading
from typing import Any, Dict, List, Optional, Tuple

TASKS = {"add": "Add two numbers", "sub": "Subtract", "slow": "Takes a while"}
PACK = "fake"
SLOW_SECONDS = 0.15


class RpcError(Exception):
    def __init__(self, code: int, message: str, data: Any = None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


def _text(submission: Dict[str, Any]) -> str:
    """The graded text: code, completion, or a chat's last assistant message."""
    messages = submission.get("messages")
    if isinstance(messages, list):
        answers = [m.get("content") for m in messages if m.get("role") == "assistant"]
        return answers[-1] if answers and isinstance(answers[-1], str) else ""
    return submission.get("code", submission.get("completion", ""))


def _score(submission: Dict[str, Any], flaky_seen: Dict[str, int],
           flaky_failures: int) -> Tuple[Optional[float], bool]:
    text = _text(submission)
    if "CRASH" in text:
        return None, True
    if "FLAKY" in text:
        flaky_seen[text] = flaky_seen.get(text, 0) + 1
        if flaky_seen[text] <= flaky_failures:
            return None, True
    return (1.0 if "PASS" in text else 0.0), False


def _rendering(task: str, turn: int, feedback: Optional[Dict[str, Any]]) -> str:
    """The observation's text as the real server words it (envs/observation.cc), with some
    non-ASCII the way real prompts have it."""
    text = f"Task {task}: {TASKS[task]} (turn {turn}) \u2014 na\u00efve \u2713 \U0001f600\n"
    if feedback is not None:
        text += "\n## Feedback\n"
        text += (f"Public test {feedback['name']} failed: {feedback['verdict']}\n"
                 if "name" in feedback else "Every public test passed.\n")
        if feedback.get("hidden_failed"):
            text += f"{feedback['hidden_failed']} hidden test(s) failed.\n"
    return text


class FakeProctor:
    def __init__(self, unix: bool = False):
        self.log: List[Tuple[int, str, Any]] = []
        self.overload_next = 0
        self.retry_after_ms = 20
        self.flaky_failures = 1
        self.flaky_seen: Dict[str, int] = {}
        self.connections = 0
        self.drop_after_grade = 0  # grade that many requests, then drop the line unanswered
        self.graded_keys: Dict[str, int] = {}  # idempotency_key -> times really graded
        self._answers: Dict[str, Any] = {}  # idempotency_key -> the grade result
        self.sessions: Dict[str, Dict[str, Any]] = {}
        self._session_ids = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._writers: List[asyncio.StreamWriter] = []
        self._tmp = tempfile.mkdtemp(prefix="proctor-fake-") if unix else None
        self.unix_path = os.path.join(self._tmp, "proctor.sock") if self._tmp else None
        self.host, self.port = "127.0.0.1", 0

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> "FakeProctor":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(5)
        return self

    async def _start(self) -> None:
        self._tcp = await asyncio.start_server(self._serve, self.host, 0)
        self.port = self._tcp.sockets[0].getsockname()[1]
        self._unix = (await asyncio.start_unix_server(self._serve, self.unix_path)
                      if self.unix_path else None)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()
        if self.unix_path and os.path.exists(self.unix_path):
            os.unlink(self.unix_path)
        if self._tmp:
            os.rmdir(self._tmp)

    async def _stop(self) -> None:
        for server in (self._tcp, self._unix):
            if server is not None:
                server.close()
        for writer in self._writers:
            writer.close()
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()

    def methods(self, name: str) -> List[Any]:
        """The params of every request of method `name`, in arrival order."""
        return [params for _, method, params in self.log if method == name]

    # --- connections --------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        conn = self.connections
        self._writers.append(writer)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                asyncio.get_running_loop().create_task(self._handle(conn, line, writer))
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    def _send(self, writer: asyncio.StreamWriter, message: Dict[str, Any]) -> None:
        if not writer.is_closing():
            writer.write(json.dumps(message).encode() + b"\n")

    async def _handle(self, conn: int, line: bytes, writer: asyncio.StreamWriter) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            self._send(writer, {"jsonrpc": "2.0", "id": None,
                                "error": {"code": -32700, "message": "parse error"}})
            return
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            self._send(writer, {"jsonrpc": "2.0", "id": None,
                                "error": {"code": -32600, "message": "invalid request"}})
            return
        method, request_id = message.get("method"), message.get("id")
        params = message.get("params") or {}
        self.log.append((conn, method, params))
        if method == "test.drop":
            writer.close()
            return
        try:
            if self.overload_next > 0:
                self.overload_next -= 1
                raise RpcError(-32000, "overloaded", {"retry_after_ms": self.retry_after_ms})
            handler = getattr(self, "_m_" + str(method).replace(".", "_"), None)
            if handler is None:
                raise RpcError(-32601, "method not found", {"method": method})
            key = params.get("idempotency_key") if method == "grade" else None
            if key is not None and key in self._answers:  # graded once, answered again
                result = self._answers[key]
            else:
                result = await self._with_deadline(handler(params, request_id, writer),
                                                   params.get("deadline_ms"))
                if key is not None:
                    self._answers[key] = result
                    self.graded_keys[key] = self.graded_keys.get(key, 0) + 1
            if method == "grade" and self.drop_after_grade > 0:
                self.drop_after_grade -= 1  # as a server dying before it answers
                writer.close()
                return
            reply = {"jsonrpc": "2.0", "id": request_id, "result": result}
        except RpcError as error:
            reply = {"jsonrpc": "2.0", "id": request_id,
                     "error": {"code": error.code, "message": error.message}}
            if error.data is not None:
                reply["error"]["data"] = error.data
        if request_id is not None:
            self._send(writer, reply)

    async def _with_deadline(self, work: Any, deadline_ms: Optional[int]) -> Any:
        if deadline_ms is None:
            return await work
        try:
            return await asyncio.wait_for(work, deadline_ms / 1000)
        except asyncio.TimeoutError:
            raise RpcError(-32001, "deadline exceeded") from None

    # --- methods ------------------------------------------------------------------------------

    async def _m_health(self, params, request_id, writer):
        return {"status": "ok", "version": "0.1.0", "layers": {"user_ns": True}}

    async def _m_stats(self, params, request_id, writer):
        return {"requests": len(self.log), "gradings": len(self.methods("grade")),
                "verdicts": {}, "infra_errors": 0, "queue_depth": 0, "in_flight": 0,
                "sessions": len(self.sessions), "connections": self.connections}

    async def _m_envs_list(self, params, request_id, writer):
        return {"envs": [{"id": "proctor/codegen-v0", "description": "one shot", "options": {}},
                         {"id": "proctor/repair-v0", "description": "multi turn", "options": {}}]}

    async def _m_tasks_list(self, params, request_id, writer):
        if params.get("pack") not in (None, PACK):
            raise RpcError(-32602, "unknown pack", {"param": "pack"})
        return {"tasks": [{"pack": PACK, "task_id": t, "title": title, "languages": ["python"]}
                          for t, title in TASKS.items()]}

    async def _m_test_sleep(self, params, request_id, writer):
        await asyncio.sleep(params.get("ms", 0) / 1000)
        return {"value": params.get("value")}

    async def _m_test_notify(self, params, request_id, writer):
        self._send(writer, {"jsonrpc": "2.0", "method": params["method"],
                            "params": params.get("params")})
        return {"sent": True}

    async def _grade_one(self, task_id: str, index: int,
                         submission: Dict[str, Any]) -> Dict[str, Any]:
        text = _text(submission)
        if task_id == "slow" or "SLOW" in text:
            await asyncio.sleep(SLOW_SECONDS)
        reward, ungradeable = _score(submission, self.flaky_seen, self.flaky_failures)
        result = {"task_id": task_id, "language": submission.get("language", "python"),
                  "reward": reward, "ungradeable": ungradeable, "compiled": True, "tests": [],
                  "scoring": "all_or_nothing", "index": index}
        if ungradeable:
            result["ungradeable_reason"] = "infra_error twice"
        return result

    async def _m_grade(self, params, request_id, writer):
        task_id = params.get("task_id")
        if params.get("pack") not in (None, PACK):
            raise RpcError(-32602, "unknown pack", {"param": "pack"})
        if task_id not in TASKS:
            raise RpcError(-32602, f"unknown task {task_id!r}", {"param": "task_id"})
        submissions = params.get("submissions")
        if not isinstance(submissions, list) or not submissions:
            raise RpcError(-32602, "submissions must be a non-empty list", {"param": "submissions"})
        results: List[Any] = [None] * len(submissions)

        async def one(i: int, s: Dict[str, Any]) -> None:
            results[i] = await self._grade_one(task_id, i, s)
            if params.get("stream"):
                self._send(writer, {"jsonrpc": "2.0", "method": "grade.result",
                                    "params": {"request_id": request_id, "index": i,
                                               "result": results[i]}})

        await asyncio.gather(*(one(i, s) for i, s in enumerate(submissions)))
        rewards = [r["reward"] for r in results]
        graded = [r for r in rewards if r is not None]
        return {"results": results, "group": {
            "n": len(results), "graded": len(graded), "ungradeable": len(results) - len(graded),
            "mean_reward": sum(graded) / len(graded) if graded else None,
            "all_pass": bool(graded) and all(r == 1.0 for r in graded),
            "all_fail": bool(graded) and all(r == 0.0 for r in graded), "rewards": rewards}}

    async def _m_env_make(self, params, request_id, writer):
        env_id = params.get("env_id")
        if env_id not in ("proctor/codegen-v0", "proctor/repair-v0"):
            raise RpcError(-32602, "unknown env", {"param": "env_id"})
        options = params.get("options") or {}
        self._session_ids += 1
        session_id = f"s-{self._session_ids}"
        max_turns = 1 if env_id == "proctor/codegen-v0" else options.get("max_turns", 4)
        self.sessions[session_id] = {"env_id": env_id, "max_turns": max_turns, "task": None,
                                     "turn": 0, "done": False}
        return {"session_id": session_id}

    def _session(self, params) -> Dict[str, Any]:
        session = self.sessions.get(params.get("session_id"))
        if session is None:
            raise RpcError(-32002, "unknown session", {"session_id": params.get("session_id")})
        return session

    def _observation(self, session, feedback=None) -> Dict[str, Any]:
        task = session["task"]
        return {"task_id": task, "pack": PACK, "language": "python", "prompt": TASKS[task],
                "public_tests": [], "turn": session["turn"], "max_turns": session["max_turns"],
                "feedback": feedback, "text": _rendering(task, session["turn"], feedback)}

    async def _m_env_reset(self, params, request_id, writer):
        session = self._session(params)
        task = (params.get("options") or {}).get("task_id")
        if task is None:
            task = sorted(TASKS)[(params.get("seed") or 0) % len(TASKS)]
        if task not in TASKS:
            raise RpcError(-32602, "unknown task", {"param": "options.task_id"})
        session.update(task=task, turn=0, done=False)
        return {"observation": self._observation(session), "info": {"task_id": task}}

    async def _m_env_step(self, params, request_id, writer):
        session = self._session(params)
        if session["task"] is None:
            raise RpcError(-32004, "step before reset")
        if session["done"]:
            raise RpcError(-32004, "step after the episode ended")
        action = params.get("action")
        if not isinstance(action, dict) or not any(k in action for k in
                                                   ("code", "completion", "messages")):
            raise RpcError(-32602, "action needs code, completion or messages",
                           {"param": "action"})
        result = await self._grade_one(session["task"], 0, action)
        session["turn"] += 1
        reward = result["reward"]
        terminated = reward == 1.0 or session["env_id"] == "proctor/codegen-v0"
        truncated = not terminated and session["turn"] >= session["max_turns"]
        session["done"] = terminated or truncated
        feedback = None if reward == 1.0 else {"name": "t1", "verdict": "wrong_answer"}
        if "HIDDENFAIL" in _text(action):  # no public test failed (there are none), hidden did
            feedback = {"compiled": True, "hidden_failed": 1}
        return {"observation": self._observation(session, feedback), "reward": reward,
                "terminated": terminated, "truncated": truncated,
                "info": {"report": result, "ungradeable": result["ungradeable"],
                         "action": action}}

    async def _m_env_close(self, params, request_id, writer):
        self._session(params)
        del self.sessions[params["session_id"]]
        return {"closed": True}
