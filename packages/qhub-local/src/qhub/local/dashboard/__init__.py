"""The local Hub's dashboard: a page at ``/`` showing the signed-in person's work.

It lists the organization's services; its executions (status, tags, timings, log, output,
result files to download, cancel); its quantum jobs (status, input, counts as a histogram);
its sessions; and the data pools with their files. The page polls its own small JSON
endpoints (``/dashboard/api/...``) while it is visible, so it updates as work proceeds.

It is plain HTML, CSS and JavaScript bundled with the package (``static/``): no build step,
nothing fetched from elsewhere, so it works offline. It is served on the Hub's own address
(loopback unless the Hub is told otherwise).

Signing in: the page asks once for a personal access token (``connection.json``'s
``personal_access_token``) and keeps it in the tab's ``sessionStorage``; opening
``http://<hub>/#token=<token>`` signs in directly (the fragment never reaches the server and
the page removes it from the address bar). Every JSON endpoint needs the token as
``X-Auth-Token`` and refuses requests a browser marks as cross-site (:mod:`.access`).
"""

from .routes import router

__all__ = ["router"]
