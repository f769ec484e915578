#include "support/x11_display.h"

#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <string>

namespace bgm::test {

void* open_x_display() { return XOpenDisplay(nullptr); }

void close_x_display(void* display) {
  if (display) XCloseDisplay(static_cast<::Display*>(display));
}

}  // namespace bgm::test

namespace bgm::test {

namespace {

// The biggest shown top-level window whose title starts with `prefix`, or 0.
::Window find_window(::Display* display, const std::string& prefix) {
  ::Window root_back = 0, parent = 0, *children = nullptr;
  unsigned count = 0;
  ::Window best = 0;
  long best_area = 0;
  if (!XQueryTree(display, DefaultRootWindow(display), &root_back, &parent, &children, &count)) return 0;
  for (unsigned i = 0; i < count; ++i) {
    char* name = nullptr;
    XWindowAttributes attributes;
    if (!XFetchName(display, children[i], &name) || !name) continue;
    const bool named = std::string(name).rfind(prefix, 0) == 0;
    XFree(name);
    if (!named || !XGetWindowAttributes(display, children[i], &attributes) || attributes.map_state != IsViewable) continue;
    const long area = static_cast<long>(attributes.width) * attributes.height;
    if (area > best_area) best = children[i], best_area = area;
  }
  if (children) XFree(children);
  return best;
}

}  // namespace

bool fill_screen_with_window(const std::string& display_name, const std::string& title_prefix) {
  ::Display* display = XOpenDisplay(display_name.c_str());
  if (!display) return false;
  const ::Window window = find_window(display, title_prefix);
  if (window) {
    const int screen = DefaultScreen(display);
    XMoveResizeWindow(display, window, 0, 0, static_cast<unsigned>(DisplayWidth(display, screen)),
                      static_cast<unsigned>(DisplayHeight(display, screen)));
    XSync(display, False);
  }
  XCloseDisplay(display);
  return window != 0;
}

bool close_window_named(const std::string& display_name, const std::string& title_prefix) {
  ::Display* display = XOpenDisplay(display_name.c_str());
  if (!display) return false;
  bool sent = false;
  if (const ::Window window = find_window(display, title_prefix)) {
    XEvent event{};
    event.xclient.type = ClientMessage;
    event.xclient.window = window;
    event.xclient.message_type = XInternAtom(display, "WM_PROTOCOLS", False);
    event.xclient.format = 32;
    event.xclient.data.l[0] = static_cast<long>(XInternAtom(display, "WM_DELETE_WINDOW", False));
    event.xclient.data.l[1] = CurrentTime;
    sent = XSendEvent(display, window, False, NoEventMask, &event) != 0;
  }
  XFlush(display);
  XCloseDisplay(display);
  return sent;
}

}  // namespace bgm::test
