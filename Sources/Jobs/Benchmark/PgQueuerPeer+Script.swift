extension PgQueuerPeer {
    /// The Python driver of one round (see ``PgQueuerPeer``), written to a temporary file and run with the virtual
    /// environment's Python. A raw string: what is below is the file, byte for byte.
    public static let script = #"""
        """Mastery's pgqueuer peer: burns down N no-op jobs with pgqueuer and prints one JSON line.

        usage: pgqueuer_peer.py [--dsn DSN] --jobs N --batch-size B --consumers C
                                [--mode processes|tasks] [--autovac on|off] [--schema NAME] [--timeout SECONDS]

        The DSN (postgres://user:password@host:port/database) comes from --dsn or, kept out of the process list, from
        the environment variable MASTERY_PGQUEUER_DSN.

        1. Drops and recreates the schema NAME (clean state every round), installs pgqueuer's tables in it in their
           durable mode (logged tables; fsync and synchronous_commit stay as the server has them), and with
           --autovac on applies pgqueuer's recommended autovacuum settings (`pgq autovac`).
        2. Enqueues N jobs of entrypoint "noop" (no payload) in bulk: batches of 10,000 through pgqueuer's own
           list enqueue, one connection. Timed: enqueue_seconds.
        3. Starts C consumers, each a pgqueuer QueueManager on its own connection (asyncpg, uvloop), running in drain
           mode (it stops once no job is queued and its own jobs are finished and logged): separate processes
           (--mode processes) or asyncio tasks in this one process (--mode tasks). The clock starts when every
           consumer is connected and ready, and stops when the last one has returned (its completions flushed).
           Timed: burndown_seconds.
        4. Verifies from the database: N rows 'successful' in pgqueuer_log and none left in pgqueuer.
        5. Prints one line: {"jobs", "enqueue_seconds", "burndown_seconds", "jobs_per_second", "consumers",
           "batch_size", "mode", "autovac", "pgqueuer_version"}; exits 0. Anything wrong: a message on stderr, exit 1;
           a missing module: exit 3. The whole run is bounded by --timeout (exit 2 when it runs out).
        """

        import argparse
        import asyncio
        import json
        import multiprocessing
        import os
        import queue
        import re
        import sys
        import threading
        import time

        ENTRYPOINT = "noop"
        ENQUEUE_CHUNK = 10_000

        try:
            import asyncpg
            import uvloop
            from pgqueuer import __version__ as pgqueuer_version
            from pgqueuer.db import AsyncpgDriver
            from pgqueuer.qm import QueueManager
            from pgqueuer.queries import Queries
            from pgqueuer.types import QueueExecutionMode
        except ImportError as error:  # the Swift side says how to install it
            print(f"pgqueuer is not installed ({error})", file=sys.stderr)
            sys.exit(3)


        CHILDREN: list = []  # consumer processes, killed whenever this one gives up


        def fail(message: str, status: int = 1) -> None:
            for child in CHILDREN:
                if child.is_alive():
                    child.kill()
            print(message, file=sys.stderr, flush=True)
            os._exit(status)


        async def connect(dsn: str, schema: str) -> asyncpg.Connection:
            return await asyncpg.connect(dsn, server_settings={"search_path": schema})


        async def prepare(args: argparse.Namespace) -> float:
            """Clean schema, install, optional autovacuum tuning, bulk enqueue; returns the enqueue time."""
            connection = await asyncpg.connect(args.dsn)
            try:
                await connection.execute(f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE')
                await connection.execute(f'CREATE SCHEMA "{args.schema}"')
            finally:
                await connection.close()
            connection = await connect(args.dsn, args.schema)
            try:
                queries = Queries(AsyncpgDriver(connection))
                await queries.install(create_schema=False)
                unlogged = await connection.fetchval(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = $1 AND c.relpersistence = 'u'",
                    args.schema,
                )
                if unlogged:
                    fail(f"pgqueuer installed {unlogged} unlogged relation(s): not durable")
                if args.autovac == "on":
                    await queries.optimize_autovacuum()
                started = time.perf_counter()
                remaining = args.jobs
                while remaining > 0:
                    size = min(ENQUEUE_CHUNK, remaining)
                    await queries.enqueue([ENTRYPOINT] * size, [None] * size, [0] * size)
                    remaining -= size
                elapsed = time.perf_counter() - started
                queued = await connection.fetchval("SELECT count(*) FROM pgqueuer WHERE status = 'queued'")
                if queued != args.jobs:
                    fail(f"enqueued {args.jobs} jobs but {queued} are queued")
                return elapsed
            finally:
                await connection.close()


        async def make_consumer(args: argparse.Namespace, done: list[int]) -> tuple[QueueManager, asyncpg.Connection]:
            connection = await connect(args.dsn, args.schema)
            qm = QueueManager(Queries(AsyncpgDriver(connection)))

            @qm.entrypoint(ENTRYPOINT)
            async def noop(job: object) -> None:
                done[0] += 1

            return qm, connection


        async def run_consumer(args: argparse.Namespace, qm: QueueManager, connection: asyncpg.Connection) -> None:
            try:
                await qm.run(batch_size=args.batch_size, mode=QueueExecutionMode.drain)
            finally:
                await connection.close()


        def consumer_process(args: argparse.Namespace, barrier: "multiprocessing.synchronize.Barrier", results) -> None:
            async def main() -> int:
                done = [0]
                qm, connection = await make_consumer(args, done)
                await asyncio.get_running_loop().run_in_executor(None, barrier.wait, args.timeout)
                await run_consumer(args, qm, connection)
                return done[0]

            try:
                results.put(("ok", uvloop.run(main())))
            except BaseException as error:  # reported to the parent, which fails the round
                results.put(("error", repr(error)))
                barrier.abort()  # a parent still waiting for everyone to be ready stops waiting


        def burn_down_processes(args: argparse.Namespace, deadline: float) -> tuple[float, int]:
            context = multiprocessing.get_context("spawn")
            barrier = context.Barrier(args.consumers + 1)
            results = context.Queue()
            processes = [
                context.Process(target=consumer_process, args=(args, barrier, results), daemon=True)
                for _ in range(args.consumers)
            ]
            for process in processes:
                process.start()
                CHILDREN.append(process)
            try:
                try:
                    barrier.wait(max(1.0, deadline - time.monotonic()))
                except threading.BrokenBarrierError:
                    try:
                        status, value = results.get(timeout=5)
                    except queue.Empty:
                        fail(f"the consumers were not ready within {args.timeout:g} s", status=2)
                    fail(f"a consumer failed: {value}")
                started = time.perf_counter()
                total = 0
                for _ in processes:
                    try:
                        status, value = results.get(timeout=max(1.0, deadline - time.monotonic()))
                    except queue.Empty:
                        fail(f"the pgqueuer round did not finish within {args.timeout:g} s", status=2)
                    if status != "ok":
                        fail(f"a consumer failed: {value}")
                    total += value
                elapsed = time.perf_counter() - started
                for process in processes:
                    process.join(max(1.0, deadline - time.monotonic()))
                return elapsed, total
            finally:
                for process in processes:
                    if process.is_alive():
                        process.kill()


        async def burn_down_tasks(args: argparse.Namespace) -> tuple[float, int]:
            done = [0]
            consumers = [await make_consumer(args, done) for _ in range(args.consumers)]
            started = time.perf_counter()
            await asyncio.gather(*(run_consumer(args, qm, connection) for qm, connection in consumers))
            return time.perf_counter() - started, done[0]


        async def verify(args: argparse.Namespace) -> None:
            connection = await connect(args.dsn, args.schema)
            try:
                successful = await connection.fetchval(
                    "SELECT count(*) FROM pgqueuer_log WHERE status = 'successful' AND entrypoint = $1", ENTRYPOINT
                )
                left = await connection.fetchval("SELECT count(*) FROM pgqueuer")
            finally:
                await connection.close()
            if successful != args.jobs or left != 0:
                fail(f"after the burn-down: {successful} of {args.jobs} jobs logged successful, {left} still queued")


        def main() -> None:
            parser = argparse.ArgumentParser(description="pgqueuer peer for mastery bench jobs")
            parser.add_argument("--dsn", default=os.environ.get("MASTERY_PGQUEUER_DSN"))
            parser.add_argument("--jobs", type=int, required=True)
            parser.add_argument("--batch-size", type=int, required=True)
            parser.add_argument("--consumers", type=int, required=True)
            parser.add_argument("--mode", choices=["processes", "tasks"], default="processes")
            parser.add_argument("--autovac", choices=["on", "off"], default="on")
            parser.add_argument("--schema", default="mastery_pgqueuer_bench")
            parser.add_argument("--timeout", type=float, default=600)
            args = parser.parse_args()
            if not args.dsn:
                fail("no DSN: pass --dsn or set MASTERY_PGQUEUER_DSN")
            if args.jobs < 1 or args.batch_size < 1 or args.consumers < 1 or args.timeout <= 0:
                fail("--jobs, --batch-size, --consumers and --timeout must be positive")
            if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.schema):
                fail("--schema must be a plain lower-case identifier")

            deadline = time.monotonic() + args.timeout
            # The whole run is bounded: a watchdog thread ends the process (and, through daemon=True and the killed
            # process group of the Swift side, its consumers) when the time is up.
            def watchdog() -> None:
                time.sleep(args.timeout)
                fail(f"the pgqueuer round did not finish within {args.timeout:g} s", status=2)

            threading.Thread(target=watchdog, daemon=True).start()

            enqueue_seconds = uvloop.run(prepare(args))
            if args.mode == "processes":
                burndown_seconds, callbacks = burn_down_processes(args, deadline)
            else:
                burndown_seconds, callbacks = uvloop.run(burn_down_tasks(args))
            uvloop.run(verify(args))
            if callbacks != args.jobs:
                fail(f"the consumers ran {callbacks} jobs, not {args.jobs}")
            print(
                json.dumps(
                    {
                        "jobs": args.jobs,
                        "enqueue_seconds": round(enqueue_seconds, 6),
                        "burndown_seconds": round(burndown_seconds, 6),
                        "jobs_per_second": round(args.jobs / burndown_seconds, 1),
                        "consumers": args.consumers,
                        "batch_size": args.batch_size,
                        "mode": args.mode,
                        "autovac": args.autovac,
                        "pgqueuer_version": pgqueuer_version,
                    }
                ),
                flush=True,
            )


        if __name__ == "__main__":
            main()

        """#
}
