"""A bare Flask app answering "Hello": what bench.throughput holds Jamaati's pages against."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello"


@app.get("/healthz")
def healthz() -> str:
    return "ok"
