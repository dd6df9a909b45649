extension PsycopgPoolPeer {
    /// The Python driver of one run (see ``PsycopgPoolPeer``), written to a temporary file and run with the virtual
    /// environment's Python. A raw string: what is below is the file, byte for byte.
    static let script = #"""
        """Mastery's psycopg-pool reference: N asyncio tasks run SELECT 1 through one AsyncConnectionPool.

        usage: psycopg_pool_peer.py TASKS CONNECTIONS WARMUP_SECONDS SECONDS

        The DSN comes from the environment variable MASTERY_PSYCOPG_DSN (kept out of the process list). The pool has
        CONNECTIONS connections (min_size = max_size), in autocommit mode so that each SELECT 1 is one round trip,
        as it is for the Swift pools. Each task loops: take a connection, execute SELECT 1, fetch the row, give the
        connection back. Operations completed during the warm-up are not counted. Prints one JSON line
        {"queries", "seconds", "per_second", "version"}; a missing module exits 3, anything else wrong exits 1.
        """

        import asyncio
        import json
        import os
        import sys
        import time
        from importlib.metadata import version

        try:
            from psycopg_pool import AsyncConnectionPool
        except ImportError as error:  # the Swift side says how to install it
            print(f"psycopg-pool is not installed ({error})", file=sys.stderr)
            sys.exit(3)


        async def main() -> None:
            tasks, connections = int(sys.argv[1]), int(sys.argv[2])
            warmup, seconds = float(sys.argv[3]), float(sys.argv[4])
            pool = AsyncConnectionPool(
                os.environ["MASTERY_PSYCOPG_DSN"],
                min_size=connections,
                max_size=connections,
                kwargs={"autocommit": True, "application_name": "mastery-bench-psycopg"},
                open=False,
            )
            await pool.open(wait=True, timeout=30)
            phase = {"value": 0}  # 0 warming up, 1 measuring, 2 stopping
            counts = [0] * tasks

            async def worker(index: int) -> None:
                while phase["value"] != 2:
                    async with pool.connection() as connection:
                        cursor = await connection.execute("SELECT 1")
                        await cursor.fetchone()
                    if phase["value"] == 1:
                        counts[index] += 1

            workers = [asyncio.create_task(worker(index)) for index in range(tasks)]
            await asyncio.sleep(warmup)
            phase["value"] = 1
            start = time.perf_counter()
            await asyncio.sleep(seconds)
            phase["value"] = 2
            elapsed = time.perf_counter() - start
            await asyncio.gather(*workers)
            await pool.close()
            total = sum(counts)
            print(json.dumps({
                "queries": total,
                "seconds": elapsed,
                "per_second": total / elapsed,
                "version": version("psycopg-pool"),
            }), flush=True)


        try:
            asyncio.run(main())
        except Exception as error:  # noqa: BLE001 - reported to the Swift side
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
            sys.exit(1)
        """#
}
