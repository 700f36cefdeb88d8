"""The JSON API: one NinjaAPI assembling the routers of each app (<app>/api.py)."""

from ninja import NinjaAPI

api = NinjaAPI(title="kehoach API", version="1", urls_namespace="api")
