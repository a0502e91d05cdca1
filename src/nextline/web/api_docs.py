"""`/api/docs`: the API's operations as a page drawn from the app's own OpenAPI document.

Why not Swagger UI: it loads its script from a CDN, which the Content Security Policy blocks
(and nothing should be fetched from elsewhere).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": operation.get("summary", ""),
            "parameters": ", ".join(p["name"] for p in operation.get("parameters", [])),
        }
        for path, methods in request.app.openapi()["paths"].items()
        for method, operation in methods.items()
    ]
    response: Response = request.app.state.templates.TemplateResponse(
        request, "api_docs.html", {"title": "API", "operations": operations}
    )
    return response
