#!/usr/bin/env python3
"""browser.py - drive headless Chromium through a form, as a user would
(tests/cmd/syncupdates.sh): load URL, type the text of TEXTFILE into the
textarea #data, press the submit button, wait for the result page and
write its DOM to OUT.html and a screenshot to OUT.png.

    browser.py CHROMIUM URL TEXTFILE OUT

The page itself needs no JavaScript: the script only stands in for the
user's hands through the DevTools protocol (a WebSocket client of the
standard library; Chromium gets --remote-debugging-port=0 and its own
profile directory).  Chromium runs with a phone-sized window (412x915).
Exit 0 when the result page came, 1 otherwise (the reason on stderr).
Every wait is bounded (20 s in all)."""
import base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time
import urllib.request

DEADLINE = time.time() + 20


class WS:
    """A minimal WebSocket client (RFC 6455): text frames, masked."""

    def __init__(self, url):
        host, rest = url[len("ws://"):].split("/", 1)
        h, p = host.rsplit(":", 1)
        self.s = socket.create_connection((h, int(p)), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(("GET /%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n" % (rest, host, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            c = self.s.recv(1)
            if not c:
                raise IOError("websocket handshake failed")
            head += c
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise IOError("websocket handshake refused: %r" % head[:80])
        self.n = 0

    def _recv(self, n):
        b = b""
        while len(b) < n:
            c = self.s.recv(n - len(b))
            if not c:
                raise IOError("websocket closed")
            b += c
        return b

    def send(self, obj):
        data = json.dumps(obj).encode()
        mask = os.urandom(4)
        n = len(data)
        hdr = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                               bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                               bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.s.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def recv(self):
        msg = b""
        while True:
            b0, b1 = self._recv(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._recv(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._recv(8))[0]
            payload = self._recv(n)
            if b0 & 0x0F == 0x8:
                raise IOError("websocket closed by the browser")
            msg += payload
            if b0 & 0x80:
                return json.loads(msg)

    def call(self, method, **params):
        self.n += 1
        self.send({"id": self.n, "method": method, "params": params})
        while True:
            m = self.recv()
            if m.get("id") == self.n:
                if "error" in m:
                    raise IOError("%s: %s" % (method, m["error"]))
                return m.get("result", {})

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        return r.get("result", {}).get("value")


def wait(what, fn):
    while time.time() < DEADLINE:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    raise IOError("timed out waiting for " + what)


def main():
    chromium, url, textfile, out = sys.argv[1:5]
    text = open(textfile, encoding="utf-8").read()
    prof = tempfile.mkdtemp(prefix="autodbm-chromium.")
    proc = subprocess.Popen([chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                             "--no-first-run", "--disable-extensions",
                             "--remote-debugging-port=0", "--user-data-dir=" + prof,
                             "--window-size=412,915", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        portfile = os.path.join(prof, "DevToolsActivePort")
        port = wait("DevToolsActivePort", lambda: os.path.exists(portfile) and
                    open(portfile).read().split("\n")[0].strip())
        pages = wait("a page target", lambda: [t for t in json.load(urllib.request.urlopen(
            "http://127.0.0.1:%s/json/list" % port, timeout=5)) if t.get("type") == "page"])
        ws = WS(pages[0]["webSocketDebuggerUrl"])
        ws.call("Page.enable")
        ws.call("Page.navigate", url=url)
        wait("the form", lambda: ws.js("!!document.getElementById('data') && "
                                       "document.readyState === 'complete'"))
        ws.js("document.getElementById('data').value = %s;"
              "document.querySelector('button[type=submit]').click(); true" % json.dumps(text))
        wait("the result page", lambda: ws.js("!!document.getElementById('ack') && "
                                              "document.readyState === 'complete'"))
        with open(out + ".html", "w", encoding="utf-8") as f:
            f.write(ws.js("document.documentElement.outerHTML"))
        png = ws.call("Page.captureScreenshot", format="png")["data"]
        with open(out + ".png", "wb") as f:
            f.write(base64.b64decode(png))
        return 0
    except Exception as e:  # the reason, for the test's "# " lines
        print("browser.py: %s" % e, file=sys.stderr)
        return 1
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(prof, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
