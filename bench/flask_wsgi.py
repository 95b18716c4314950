"""The article's Flask app, unmodified, with its Redis client pointed at the
benchmark's redis-server (the app hardcodes host 'redis', port 6379)."""
import os

from redis import Redis

import app as article

article.redis = Redis(host="127.0.0.1", port=int(os.environ["REDIS_BENCH_PORT"]))
app = article.app
