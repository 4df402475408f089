"""The baseline: a bare Flask app answering a small HTML page, served by the same server
(waitress, same thread count) as the portal, so the portal's overhead can be read off."""
from flask import Flask

app = Flask(__name__)
PAGE = "<!doctype html><html lang=ja><title>bare</title><p>" + "こんにちは" * 200


@app.get("/")
def index():
    return PAGE
