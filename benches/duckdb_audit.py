"""The same audit in DuckDB, for the benchmark: never-opened list, per-asset stats, monthly adoption.

Usage: python duckdb_audit.py ASSETS.csv EVENTS.csv AS_OF(YYYY-MM-DD) THREADS
Prints the never-opened count on the last line.
"""
import sys

import duckdb

assets, events, as_of, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
con = duckdb.connect()
con.execute(f"SET threads = {threads}")
con.execute(
    f"""CREATE TABLE a AS SELECT trim("Content ID") AS id, TRY_CAST("Published Date" AS DATE) AS created
        FROM read_csv('{assets}', header = true, all_varchar = true)"""
)
con.execute(
    f"""CREATE TABLE e AS SELECT trim("Asset ID") AS asset, lower(trim("User Email")) AS usr,
               CAST("Timestamp" AS TIMESTAMPTZ) AS ts
        FROM read_csv('{events}', header = true, all_varchar = true)
        WHERE TRY_CAST("Timestamp" AS TIMESTAMPTZ) < TIMESTAMPTZ '{as_of} 00:00:00+00'"""
)
per_asset = con.execute(
    """SELECT a.id, count(e.asset) AS opens, count(DISTINCT e.usr) AS users, min(e.ts), max(e.ts)
       FROM a LEFT JOIN e ON e.asset = a.id GROUP BY a.id"""
).fetchall()
never = con.execute(
    f"""SELECT count(*) FROM a
        WHERE (a.created IS NULL OR a.created <= DATE '{as_of}' - INTERVAL 30 DAY)
          AND NOT EXISTS (SELECT 1 FROM e WHERE e.asset = a.id)"""
).fetchone()[0]
monthly = con.execute(
    """SELECT date_trunc('month', e.ts) AS month, count(*), count(DISTINCT e.usr), count(DISTINCT e.asset)
       FROM e JOIN a ON e.asset = a.id GROUP BY 1 ORDER BY 1"""
).fetchall()
print(f"assets {len(per_asset)} months {len(monthly)}")
print(never)
