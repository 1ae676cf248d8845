# expect: safe
import argparse
import random
import statistics
from dataclasses import dataclass


@dataclass
class Queue:
    servers: int
    arrival_rate: float
    service_rate: float


def simulate(q: Queue, customers: int, rng: random.Random) -> float:
    free_at = [0.0] * q.servers
    clock = 0.0
    waits = []
    for _ in range(customers):
        clock += rng.expovariate(q.arrival_rate)
        idx = min(range(q.servers), key=free_at.__getitem__)
        start = max(clock, free_at[idx])
        waits.append(start - clock)
        free_at[idx] = start + rng.expovariate(q.service_rate)
    return statistics.mean(waits)


def split_dataset(rows: list, test_ratio: float, seed: int):
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    cut = int(len(shuffled) * (1 - test_ratio))
    return shuffled[:cut], shuffled[cut:]


def main():
    ap = argparse.ArgumentParser(description="M/M/c queue simulation")
    ap.add_argument("--servers", type=int, default=3)
    ap.add_argument("--arrival", type=float, default=2.5)
    ap.add_argument("--service", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    random.seed(args.seed)
    q = Queue(args.servers, args.arrival, args.service)
    results = [simulate(q, 5000, random.Random(random.randint(0, 2**32))) for _ in range(args.runs)]
    print(f"mean wait: {statistics.mean(results):.3f} (sd {statistics.stdev(results):.3f})")
    train, test = split_dataset(list(range(1000)), 0.2, args.seed)
    print(f"train={len(train)} test={len(test)}")


if __name__ == "__main__":
    main()
