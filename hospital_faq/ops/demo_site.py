"""The demo hospital page with the website chat on it, served the way a hospital's site would.

    python -m hospital_faq.ops.demo_site [--port 8080] [--rasa-port 5005 | --rasa-url URL]

`/` is a patient-information page about spinal tumors (web/demo/index.html) that
embeds the chat with its one <script> tag; `/widget/` serves the chat's files
(web/widget/), which a hospital can host anywhere. The hospital's name, phone and
booking link are filled in from hospital.yml at each request. The chat connects
to the Rasa server: `--rasa-url`, or the page's own host name with `--rasa-port`.
scripts/run starts this on DEMO_PORT (8080).
"""
import argparse
import html
import os
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional, Tuple
from urllib.parse import urlsplit

from hospital_faq.knowledge.hospital import load_hospital
from hospital_faq.paths import PROJECT_ROOT

WEB_DIR = PROJECT_ROOT / "web"
PAGE = WEB_DIR / "demo" / "index.html"
FILES = {"/demo.css": WEB_DIR / "demo" / "demo.css", "/favicon.svg": WEB_DIR / "demo" / "favicon.svg"}
WIDGET_DIR = WEB_DIR / "widget"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    "": "text/plain; charset=utf-8",  # LICENSE
}
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def page(server_url: str) -> bytes:
    """The demo page, with the hospital's details and the Rasa server's address filled in."""
    hospital = load_hospital()
    values = {
        **hospital.template_values(),
        "phone_digits": re.sub(r"[^\d+]", "", hospital.phone),
        "server_url": server_url,
    }
    return PLACEHOLDER.sub(lambda m: html.escape(values[m.group(1)]), PAGE.read_text(encoding="utf-8")).encode()


def content_security_policy(server_url: str) -> str:
    """Only this site's own scripts and styles; connections to the Rasa server only."""
    websocket = re.sub(r"^http", "ws", server_url)
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {server_url} {websocket}; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


class DemoHandler(BaseHTTPRequestHandler):
    server: "DemoSite"

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def _respond(self, with_body: bool) -> None:
        path = urlsplit(self.path).path
        headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"}
        if path in ("/", "/index.html"):
            server_url = self.server.rasa_url_for(self.headers.get("Host", ""))
            body, kind = page(server_url), TYPES[".html"]
            headers["Content-Security-Policy"] = content_security_policy(server_url)
        else:
            found = self._static_file(path)
            if found is None:
                self.send_error(404, "Not found")
                return
            body, kind = found
        self.send_response(200)
        for name, value in {**headers, "Content-Type": kind, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    @staticmethod
    def _static_file(path: str) -> Optional[Tuple[bytes, str]]:
        if path in FILES:
            file = FILES[path]
        elif path.startswith("/widget/"):
            file = (WIDGET_DIR / path[len("/widget/"):]).resolve()
            if WIDGET_DIR.resolve() not in file.parents:
                return None
        else:
            return None
        if not file.is_file() or file.suffix not in TYPES:
            return None
        return file.read_bytes(), TYPES[file.suffix]


class DemoSite(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, host: str = "0.0.0.0", rasa_url: Optional[str] = None, rasa_port: int = 5005,
                 handler=DemoHandler):
        self.rasa_url, self.rasa_port = rasa_url, rasa_port
        super().__init__((host, port), handler)

    def rasa_url_for(self, host_header: str) -> str:
        """The Rasa server as the browser sees it: the one given, else this page's host on the Rasa port."""
        if self.rasa_url:
            return self.rasa_url.rstrip("/")
        hostname = urlsplit(f"//{host_header}").hostname or "localhost"
        if ":" in hostname:  # IPv6
            hostname = f"[{hostname}]"
        return f"http://{hostname}:{self.rasa_port}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("DEMO_PORT", 8080)))
    parser.add_argument("--host", default=os.environ.get("DEMO_HOST", "0.0.0.0"))
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    parser.add_argument("--rasa-url", help="the Rasa server's address as browsers reach it")
    args = parser.parse_args(argv)
    site = DemoSite(args.port, args.host, args.rasa_url, args.rasa_port)
    print(f"Demo hospital page: http://localhost:{args.port}", flush=True)
    try:
        site.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
