"""Ways to show the call's two pictures without a GPU, side by side: the CPU each costs.

    python -m bench.video_paths [--seconds 10] [--runs 2] [--paths paint,sink,...] [--json]

The scene is the kiosk's consultation screen (``ui.screens.consultation``, the theme's style
sheet) in a 1920x1080 window: the specialist's 640x480 stream fitted into the video area (shown
at 992x744) and the patient's own 640x480 picture, mirrored, in the corner (336x252), each fed
30 frames a second by a timer in the GUI thread (YUV420P ``av.VideoFrame`` s of the kiosk's
test pattern, made before the window opens). No engine, no network: only showing.

Each path runs in a process of its own, under a private Xvfb (platform ``xcb``, Mesa's
llvmpipe for OpenGL: there is no GPU) unless the path's platform says ``offscreen``. Measured
over ``--seconds`` after a 2 s warm-up: the CPU of the whole process (every thread, llvmpipe's
included, from ``getrusage``), the X server's CPU over the same window (it copies what the
client puts on screen), and the frames each picture actually presented a second (counted where
each path draws: a paint, a render of the video window, a swap). The GUI thread's own share and
llvmpipe's threads are listed apart. A screenshot of the screen after each run goes to
``--shots DIR`` (a path that shows nothing is no saving).

Paths (``--paths``):

- ``paint-offscreen``, ``paint``: today's painted path (``VideoView(render_path="paint")``,
  libswscale into the backing store), offscreen as in the tests and benchmarks, and under Xvfb.
- ``sink``: ``VideoView(render_path="sink")``: a ``QVideoWidget`` each (a ``QVideoWindow``:
  Qt's RHI on OpenGL, here llvmpipe), fed ``QVideoFrame`` s in YUV420P (the planes copied, no
  conversion on the CPU); what ``auto`` picked on xcb before it asked for the renderer.
- ``sink-nogl``: the same with no OpenGL (``QT_XCB_GL_INTEGRATION=none``): Qt's video window
  then converts each frame on the CPU ("No RHI backend. Using CPU conversion.") and paints it.
- ``graphics``: one ``QGraphicsView`` with two ``QGraphicsVideoItem`` s (Qt converts each frame
  to an image and the painter draws it).
- ``quick``, ``quick-sw``: one ``QQuickWidget`` with two QML ``VideoOutput`` s; ``quick`` on
  the RHI (llvmpipe), ``quick-sw`` with ``QT_QUICK_BACKEND=software``.
- ``quickview``: the same QML in a ``QQuickView`` (its own native window, Qt Quick's threaded
  render loop) in a window container.
- ``gl``: a ``QOpenGLWindow`` each in a window container: three 8-bit textures uploaded from
  the frame's planes (row length = line size, no copy on the CPU), a 10-line fragment shader
  for BT.601 YUV -> RGB, one quad, the bars cleared.
- ``gl1``: the same, both pictures in one ``QOpenGLWindow`` over the video area (one swap).
- ``glwidget``: the same as ``gl`` in a ``QOpenGLWidget`` each (Qt then composes the whole
  window through OpenGL: its backing store becomes a texture).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("paint-offscreen", "paint", "sink", "sink-nogl", "graphics", "quick", "quick-sw",
         "quickview", "gl", "gl1", "glwidget")
SIZE = (1920, 1080)
FPS = 30.0
WARMUP_S = 2.0

QML = """
import QtQuick
import QtMultimedia
Rectangle {
    color: "%(bg)s"
    property alias remoteSink: remote.videoSink
    property alias selfSink: own.videoSink
    VideoOutput { id: remote; x: %(rx)d; y: %(ry)d; width: %(rw)d; height: %(rh)d
                  fillMode: VideoOutput.PreserveAspectFit }
    Rectangle { color: "%(bg)s"; x: %(sx)d; y: %(sy)d; width: %(sw)d; height: %(sh)d
        VideoOutput { id: own; anchors.fill: parent; fillMode: VideoOutput.PreserveAspectFit }
    }
}
"""

VERTEX = """#version 120
varying vec2 tc;
void main() { tc = gl_MultiTexCoord0.xy; gl_Position = gl_Vertex; }
"""
FRAGMENT = """#version 120
uniform sampler2D ty, tu, tv;
varying vec2 tc;
void main() {
    float y = 1.164383 * (texture2D(ty, tc).r - 0.0627451);
    float u = texture2D(tu, tc).r - 0.5, v = texture2D(tv, tc).r - 0.5;
    gl_FragColor = vec4(y + 1.596027 * v, y - 0.391762 * u - 0.812968 * v, y + 2.017232 * u, 1.0);
}
"""


# ----- the child: one path, measured ---------------------------------------------------------

def _threads() -> dict[str, float]:
    """CPU seconds of each thread of this process, by thread name (summed per name)."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        secs = (int(fields[11]) + int(fields[12])) / tick
        key = "GUI" if task.name == str(os.getpid()) else name
        out[key] = out.get(key, 0.0) + secs
    return out


def _has_picture(image: Any, box: Any) -> bool:
    """Whether the middle half of ``box`` on the screenshot shows a picture (many colours),
    not an empty surface."""
    colours = {image.pixel(box.x() + box.width() * (4 + i) // 16,
                           box.y() + box.height() * (4 + j) // 16)
               for i in range(9) for j in range(9)}
    return len(colours) >= 4


def _sink_feed(sink: Any, mirrored: bool) -> Callable[[Any], None]:
    """Hand frames to a ``QVideoSink`` as the sink path does (planes copied, no conversion)."""
    from ui.video import to_video_frame

    def feed(frame: Any) -> None:
        sink.setVideoFrame(to_video_frame(frame, mirrored=mirrored))

    return feed


def _rendered(view: Any) -> Callable[[], int]:
    return lambda: int(view.frames_rendered)


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rusage() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class _GL:
    """The few OpenGL 1.x calls the ``gl`` path needs, from Mesa's libGL through ctypes."""

    TEXTURE_2D, RED, LUMINANCE, UNSIGNED_BYTE = 0x0DE1, 0x1903, 0x1909, 0x1401
    UNPACK_ROW_LENGTH, UNPACK_ALIGNMENT = 0x0CF2, 0x0CF5
    LINEAR, MIN_FILTER, MAG_FILTER, WRAP_S, WRAP_T, CLAMP = 0x2601, 0x2801, 0x2800, 0x2802, \
        0x2803, 0x812F
    COLOR_BUFFER_BIT, QUADS, TEXTURE0 = 0x4000, 0x0007, 0x84C0

    def __init__(self) -> None:
        lib = ctypes.CDLL("libGL.so.1")
        self.lib = lib
        lib.glTexImage2D.argtypes = [ctypes.c_uint, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                     ctypes.c_int, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
                                     ctypes.c_void_p]
        lib.glTexSubImage2D.argtypes = [ctypes.c_uint, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                        ctypes.c_int, ctypes.c_int, ctypes.c_uint,
                                        ctypes.c_uint, ctypes.c_void_p]
        for name in ("glTexCoord2f", "glVertex2f"):
            getattr(lib, name).argtypes = [ctypes.c_float, ctypes.c_float]
        lib.glClearColor.argtypes = [ctypes.c_float] * 4

    def __getattr__(self, name: str) -> Any:
        return getattr(self.lib, name)


def _make_gl_window(bg: tuple[float, float, float], pictures: int,
                    parent: Any = None) -> Any:
    """A ``QOpenGLWindow`` showing ``pictures`` YUV420P frames (see the module docstring), or
    with a ``parent`` widget a ``QOpenGLWidget`` doing the same."""
    from PySide6.QtOpenGL import QOpenGLShader, QOpenGLShaderProgram, QOpenGLWindow
    from PySide6.QtOpenGLWidgets import QOpenGLWidget

    base: Any = QOpenGLWindow if parent is None else QOpenGLWidget

    class YuvWindow(base):  # type: ignore[misc]
        def __init__(self) -> None:
            if parent is None:
                super().__init__(QOpenGLWindow.UpdateBehavior.NoPartialUpdate)
            else:
                super().__init__(parent)
            self.frames: list[Any] = [None] * pictures
            self.boxes: list[tuple[int, int, int, int]] = [(0, 0, 1, 1)] * pictures
            self.mirrored = [False] * pictures
            self.tex: list[list[int]] = []
            self.tex_size: list[tuple[int, int] | None] = [None] * pictures
            self.fresh = [False] * pictures
            self.presented = [0] * pictures
            self.gl: _GL | None = None

        def initializeGL(self) -> None:
            self.gl = gl = _GL()
            self.program = QOpenGLShaderProgram(self)
            self.program.addShaderFromSourceCode(QOpenGLShader.ShaderTypeBit.Vertex, VERTEX)
            self.program.addShaderFromSourceCode(QOpenGLShader.ShaderTypeBit.Fragment, FRAGMENT)
            if not self.program.link():
                raise RuntimeError(self.program.log())
            self.units = [self.program.uniformLocation(name) for name in ("ty", "tu", "tv")]
            names = (ctypes.c_uint * (3 * pictures))()
            gl.glGenTextures(3 * pictures, names)
            self.tex = [list(names[3 * i:3 * i + 3]) for i in range(pictures)]
            for t in names:
                gl.glBindTexture(gl.TEXTURE_2D, t)
                for p, v in ((gl.MIN_FILTER, gl.LINEAR), (gl.MAG_FILTER, gl.LINEAR),
                             (gl.WRAP_S, gl.CLAMP), (gl.WRAP_T, gl.CLAMP)):
                    gl.glTexParameteri(gl.TEXTURE_2D, p, v)

        def set_frame(self, index: int, frame: Any) -> None:
            self.frames[index] = frame
            self.fresh[index] = True
            self.update()

        def paintGL(self) -> None:
            gl = self.gl
            assert gl is not None
            ratio = self.devicePixelRatio()
            gl.glViewport(0, 0, round(self.width() * ratio), round(self.height() * ratio))
            gl.glClearColor(*bg, 1.0)
            gl.glClear(gl.COLOR_BUFFER_BIT)
            self.program.bind()
            for i, unit in enumerate(self.units):
                self.program.setUniformValue1i(unit, i)
            gl.glPixelStorei(gl.UNPACK_ALIGNMENT, 1)
            for n, frame in enumerate(self.frames):
                if frame is None:
                    continue
                w, h = int(frame.width), int(frame.height)
                for i, plane in enumerate(frame.planes):
                    gl.glActiveTexture(gl.TEXTURE0 + i)
                    gl.glBindTexture(gl.TEXTURE_2D, self.tex[n][i])
                    if not self.fresh[n]:
                        continue
                    pw, ph = (w, h) if i == 0 else ((w + 1) // 2, (h + 1) // 2)
                    gl.glPixelStorei(gl.UNPACK_ROW_LENGTH, plane.line_size)
                    if self.tex_size[n] != (w, h):
                        gl.glTexImage2D(gl.TEXTURE_2D, 0, gl.LUMINANCE, pw, ph, 0,
                                        gl.LUMINANCE, gl.UNSIGNED_BYTE, plane.buffer_ptr)
                    else:
                        gl.glTexSubImage2D(gl.TEXTURE_2D, 0, 0, 0, pw, ph, gl.LUMINANCE,
                                           gl.UNSIGNED_BYTE, plane.buffer_ptr)
                self.tex_size[n] = (w, h)
                if self.fresh[n]:
                    self.presented[n] += 1
                    self.fresh[n] = False
                x, y, bw, bh = self.boxes[n]
                # The picture fitted (aspect kept) into its box, in normalised coordinates.
                scale = min(bw / w, bh / h)
                sw, sh = w * scale, h * scale
                x0, y0 = x + (bw - sw) / 2, y + (bh - sh) / 2
                W, H = self.width(), self.height()
                left, right = 2 * x0 / W - 1, 2 * (x0 + sw) / W - 1
                top, bottom = 1 - 2 * y0 / H, 1 - 2 * (y0 + sh) / H
                u0, u1 = (1.0, 0.0) if self.mirrored[n] else (0.0, 1.0)
                gl.glBegin(gl.QUADS)
                for u, v, px, py in ((u0, 0.0, left, top), (u1, 0.0, right, top),
                                     (u1, 1.0, right, bottom), (u0, 1.0, left, bottom)):
                    gl.glTexCoord2f(u, v)
                    gl.glVertex2f(px, py)
                gl.glEnd()
            self.program.release()

    return YuvWindow()


def child(path: str, seconds: float, shot: Path | None) -> dict[str, Any]:
    """Show the scene with ``path`` for a warm-up and ``seconds``; return the figures."""
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, QUrl
    from PySide6.QtGui import QColor, QGuiApplication
    from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

    from kiosk.media.synthetic import TestPatternTrack
    from ui.screens.consultation import ConsultationScreen
    from ui.theme import Theme
    from ui.video import VideoView

    app = QApplication([sys.argv[0]])
    window = QWidget()
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    theme = Theme()
    window.setStyleSheet(theme.stylesheet())
    window.setFont(theme.font())
    layout = QVBoxLayout(window)
    layout.setContentsMargins(0, 0, 0, 0)
    screen = ConsultationScreen()
    layout.addWidget(screen)
    window.setGeometry(0, 0, *SIZE)
    window.show()
    deadline = time.monotonic() + 10
    while not screen.remote_view.width() > 100 and time.monotonic() < deadline:
        app.processEvents()
    area = screen.video_area
    remote_box, self_box = screen.remote_view.geometry(), screen.self_view.geometry()
    bg = QColor(theme.palette.video_bg)
    track = TestPatternTrack(640, 480)
    frames = [track.make_frame(i) for i in range(60)]

    counters: dict[str, Callable[[], int]] = {}
    feeds: list[Callable[[Any], None]] = []
    keep: list[Any] = []  # Python wrappers that must live as long as the window

    def count_updates(window_: Any, name: str) -> None:
        """Count the renders of a native video window (its UpdateRequest events)."""
        class Counter(QObject):
            n = 0

            def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.UpdateRequest:
                    self.n += 1
                return False

        c = Counter(window_)
        window_.installEventFilter(c)
        keep.append(c)
        counters[name] = lambda: c.n

    if path.startswith(("paint", "sink")):
        render: Literal["paint", "sink"] = "paint" if path.startswith("paint") else "sink"
        for old in (screen.remote_view, screen.self_view):
            old.hide()
            old.setParent(None)
        screen.remote_view = VideoView(render_path=render, parent=area)
        screen.self_view = VideoView(mirrored=True, render_path=render, parent=area)
        screen.remote_view.setGeometry(remote_box)
        screen.self_view.setGeometry(self_box)
        screen.remote_view.show()
        screen.self_view.show()
        screen.self_view.raise_()
        views = {"remote": screen.remote_view, "self": screen.self_view}
        feeds = [views["remote"].set_frame, views["self"].set_frame]
        if render == "paint":
            for name, view in views.items():
                counters[name] = _rendered(view)
    else:
        screen.remote_view.hide()
        screen.self_view.hide()
    if path == "graphics":
        from PySide6.QtCore import QRectF, QSizeF
        from PySide6.QtMultimediaWidgets import QGraphicsVideoItem
        from PySide6.QtWidgets import QFrame, QGraphicsScene, QGraphicsView

        class Item(QGraphicsVideoItem):
            n = 0

            def paint(self, *args: Any) -> None:
                self.n += 1
                super().paint(*args)

        scene = QGraphicsScene(QRectF(area.rect()))
        scene.setBackgroundBrush(bg)
        graphics = QGraphicsView(scene, area)
        graphics.setFrameShape(QFrame.Shape.NoFrame)
        graphics.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        graphics.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        graphics.setGeometry(area.rect())
        items = []
        for box in (remote_box, self_box):
            item = Item()
            item.setPos(box.x(), box.y())
            item.setSize(QSizeF(box.size()))
            scene.addItem(item)
            items.append(item)
        graphics.show()
        keep.extend([scene, graphics])
        feeds = [_sink_feed(items[0].videoSink(), False), _sink_feed(items[1].videoSink(), True)]
        counters = {"remote": lambda: items[0].n, "self": lambda: items[1].n}
    elif path in ("quick", "quick-sw", "quickview"):
        qml = QML % {"bg": bg.name(), "rx": remote_box.x(), "ry": remote_box.y(),
                     "rw": remote_box.width(), "rh": remote_box.height(), "sx": self_box.x(),
                     "sy": self_box.y(), "sw": self_box.width(), "sh": self_box.height()}
        qml_file = Path(tempfile.mkdtemp(prefix="video-paths-")) / "scene.qml"
        qml_file.write_text(qml)
        import PySide6.QtMultimedia  # noqa: F401 (QML's QVideoSink* reaches Python as one)
        if path == "quickview":
            from PySide6.QtQuick import QQuickView

            quick: Any = QQuickView()
            quick.setResizeMode(QQuickView.ResizeMode.SizeRootObjectToView)
            quick.setSource(QUrl.fromLocalFile(str(qml_file)))
            holder = QWidget.createWindowContainer(quick, area)
            holder.setGeometry(area.rect())
            holder.show()
            keep.extend([quick, holder])
            quick_window = quick
        else:
            from PySide6.QtQuickWidgets import QQuickWidget

            quick = QQuickWidget(area)
            quick.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
            quick.setSource(QUrl.fromLocalFile(str(qml_file)))
            quick.setGeometry(area.rect())
            quick.show()
            keep.append(quick)
            quick_window = quick.quickWindow()
        root = quick.rootObject()
        if root is None:
            raise RuntimeError(f"QML did not load: {quick.errors()}")
        sinks = [root.property("remoteSink"), root.property("selfSink")]
        feeds = [_sink_feed(sinks[0], False), _sink_feed(sinks[1], True)]
        rendered = [0]

        def on_render() -> None:
            rendered[0] += 1

        quick_window.afterRendering.connect(on_render, Qt.ConnectionType.DirectConnection)
        counters = {"scene": lambda: rendered[0]}
    elif path in ("gl", "gl1", "glwidget"):
        rgb = (bg.redF(), bg.greenF(), bg.blueF())
        if path in ("gl", "glwidget"):
            parent = area if path == "glwidget" else None
            wins = [_make_gl_window(rgb, 1, parent), _make_gl_window(rgb, 1, parent)]
            wins[1].mirrored[0] = True
            holders = []
            for win, box in zip(wins, (remote_box, self_box), strict=True):
                win.boxes[0] = (0, 0, box.width(), box.height())
                holder = win if parent else QWidget.createWindowContainer(win, area)
                holder.setGeometry(box)
                holder.show()
                holders.append(holder)
            holders[1].raise_()
            keep.extend([*wins, *holders])
            feeds = [lambda f: wins[0].set_frame(0, f), lambda f: wins[1].set_frame(0, f)]
            counters = {"remote": lambda: wins[0].presented[0],
                        "self": lambda: wins[1].presented[0]}
        else:
            win = _make_gl_window(rgb, 2)
            win.mirrored[1] = True
            for n, box in enumerate((remote_box, self_box)):
                win.boxes[n] = (box.x(), box.y(), box.width(), box.height())
            holder = QWidget.createWindowContainer(win, area)
            holder.setGeometry(area.rect())
            holder.show()
            keep.extend([win, holder])
            feeds = [lambda f: win.set_frame(0, f), lambda f: win.set_frame(1, f)]
            counters = {"remote": lambda: win.presented[0], "self": lambda: win.presented[1]}

    # Feed: two timers, 30 frames/s each, half a period apart (as two streams would arrive).
    index = [0, 0]
    timers = []
    for n, feed in enumerate(feeds):
        def tick(n: int = n, feed: Callable[[Any], None] = feed) -> None:
            feed(frames[index[n] % len(frames)])
            index[n] += 1

        t = QTimer()
        t.setTimerType(Qt.TimerType.PreciseTimer)
        t.setInterval(round(1000 / FPS))
        t.timeout.connect(tick)
        timers.append(t)
    timers[0].start()
    QTimer.singleShot(round(500 / FPS), timers[1].start)

    def windows_of(kind: str) -> list[Any]:
        return [w for w in QGuiApplication.allWindows() if w.metaObject().className() == kind]

    result: dict[str, Any] = {"path": path, "platform": QGuiApplication.platformName()}
    xserver = int(os.environ.get("VIDEO_PATHS_XSERVER_PID", "0"))
    marks: dict[str, Any] = {}

    def start() -> None:
        if path.startswith("sink"):
            found = windows_of("QVideoWindow")
            for name, w in zip(("remote", "self"), found, strict=False):
                count_updates(w, name)
            result["video_windows"] = len(found)
        marks.update(t=time.monotonic(), cpu=_rusage(), threads=_threads(),
                     x=_proc_cpu(xserver) if xserver else 0.0,
                     n={k: c() for k, c in counters.items()}, fed=list(index))

    def finish() -> None:
        wall = time.monotonic() - marks["t"]
        cpu = _rusage() - marks["cpu"]
        threads = _threads()
        result["seconds"] = round(wall, 2)
        result["cpu_pct"] = round(100 * cpu / wall, 1)
        result["xserver_pct"] = (round(100 * (_proc_cpu(xserver) - marks["x"]) / wall, 1)
                                 if xserver else None)
        by_thread = {k: 100 * (v - marks["threads"].get(k, 0.0)) / wall
                     for k, v in threads.items()}
        result["gui_pct"] = round(by_thread.pop("GUI", 0.0), 1)
        result["llvmpipe_pct"] = round(sum(v for k, v in by_thread.items()
                                           if k.startswith("llvmpipe")), 1)
        result["other_threads"] = {k: round(v, 1) for k, v in sorted(by_thread.items(),
                                                                       key=lambda kv: -kv[1])
                                   if v >= 0.5 and not k.startswith("llvmpipe")}
        result["fed_fps"] = [round((index[n] - marks["fed"][n]) / wall, 1) for n in range(2)]
        result["shown_fps"] = {k: round((c() - marks["n"][k]) / wall, 1)
                               for k, c in counters.items()}
        for t in timers:
            t.stop()
        if QGuiApplication.platformName() == "offscreen":
            image = window.grab().toImage()
        else:  # the screen, as the X server has it: native video windows included
            image = QGuiApplication.primaryScreen().grabWindow(0).toImage()
        if shot is not None:
            image.save(str(shot))
        result["picture"] = {name: _has_picture(image, QRect(area.mapTo(window, box.topLeft()),
                                                              box.size()))
                             for name, box in (("remote", remote_box), ("self", self_box))}
        app.quit()

    QTimer.singleShot(round(WARMUP_S * 1000), start)
    QTimer.singleShot(round((WARMUP_S + seconds) * 1000), finish)
    app.exec()
    keep.clear()
    return result


# ----- the parent: each path in its own process ---------------------------------------------

class Xvfb:
    """A private X server (Debian's xvfb) on a free display, for as long as the context."""

    def __enter__(self) -> Xvfb:
        exe = shutil.which("Xvfb")
        if exe is None:
            raise RuntimeError("Xvfb is not installed (apt-get install xvfb)")
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            [exe, "-displayfd", str(write), "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24",
             "-nolisten", "tcp", "-noreset"], pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as f:
            self.display = ":" + f.readline().strip()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def run_path(path: str, seconds: float, shots: Path | None, xvfb: Xvfb | None) -> dict[str, Any]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("QT_QUICK_BACKEND", None)
    if path == "paint-offscreen":
        env["QT_QPA_PLATFORM"] = "offscreen"
    else:
        assert xvfb is not None
        env.update(QT_QPA_PLATFORM="xcb", DISPLAY=xvfb.display,
                   VIDEO_PATHS_XSERVER_PID=str(xvfb.proc.pid))
    if path == "quick-sw":
        env["QT_QUICK_BACKEND"] = "software"
    if path == "sink-nogl":
        env["QT_XCB_GL_INTEGRATION"] = "none"
    command = [sys.executable, "-m", "bench.video_paths", "--child", path, "--seconds",
               str(seconds)]
    if shots is not None:
        command += ["--shot", str(shots / f"{path}.png")]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=seconds + 60)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"path": path, "error": f"exit {done.returncode}: {tail[:200]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    warnings = [ln for ln in done.stderr.splitlines() if ln.strip()]
    if warnings:
        result["stderr"] = warnings[:3]
    return result


def _fmt(v: Any) -> str:
    return "-" if v is None else f"{v:.1f}" if isinstance(v, float) else str(v)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--shots", type=Path, help="save a screenshot of each path here")
    parser.add_argument("--json", action="store_true", help="one JSON line per run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--shot", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.seconds, args.shot)), flush=True)
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # run()'s child and Xvfb go too
    paths = args.paths.split(",")
    if unknown := set(paths) - set(PATHS):
        parser.error(f"unknown paths {sorted(unknown)}; known: {', '.join(PATHS)}")
    if args.shots is not None:
        args.shots.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(f"video paths: {args.seconds:.0f} s windows, {args.runs} run(s) each, "
          f"{os.cpu_count()} CPUs, load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
    needs_x = any(p != "paint-offscreen" for p in paths)
    results = []
    with Xvfb() if needs_x else _Nothing() as xvfb:
        for run in range(args.runs):
            for path in paths:
                r = run_path(path, args.seconds, args.shots, xvfb)
                r["run"] = run + 1
                results.append(r)
                if args.json:
                    print(json.dumps(r), flush=True)
                else:
                    _print_row(r)
    return 0


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc: object) -> None:
        return None


def _print_row(r: dict[str, Any]) -> None:
    if "error" in r:
        print(f"{r['path']:16} run {r['run']}: {r['error']}", flush=True)
        return
    shown = " ".join(f"{k} {v:.1f}" for k, v in r["shown_fps"].items())
    seen = ", ".join(k for k, v in r["picture"].items() if v) or "nothing"
    shown += f" (on screen: {seen})"
    total = r["cpu_pct"] + (r["xserver_pct"] or 0.0)
    print(f"{r['path']:16} run {r['run']}: process {r['cpu_pct']:5.1f} % (GUI thread "
          f"{r['gui_pct']:.1f}, llvmpipe {r['llvmpipe_pct']:.1f}, other "
          f"{sum(r['other_threads'].values()):.1f}) + X server {_fmt(r['xserver_pct'])} "
          f"= {total:.1f} % of a core; shown fps: {shown}; fed {r['fed_fps']}", flush=True)
    for line in r.get("stderr", []):
        print(f"{'':16}   stderr: {line[:150]}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
