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

bool fill_screen_with_window(const std::string& display_name, const std::string& title_prefix) {
  ::Display* display = XOpenDisplay(display_name.c_str());
  if (!display) return false;
  const ::Window root = DefaultRootWindow(display);
  ::Window root_back = 0, parent = 0, *children = nullptr;
  unsigned count = 0;
  ::Window best = 0;
  long best_area = 0;
  if (XQueryTree(display, root, &root_back, &parent, &children, &count)) {
    for (unsigned i = 0; i < count; ++i) {
      char* name = nullptr;
      XWindowAttributes attributes;
      if (!XFetchName(display, children[i], &name) || !name) continue;
      const bool named = std::string(name).rfind(title_prefix, 0) == 0;
      XFree(name);
      if (!named || !XGetWindowAttributes(display, children[i], &attributes) || attributes.map_state != IsViewable) continue;
      const long area = static_cast<long>(attributes.width) * attributes.height;
      if (area > best_area) best = children[i], best_area = area;
    }
    if (children) XFree(children);
  }
  if (best) {
    const int screen = DefaultScreen(display);
    XMoveResizeWindow(display, best, 0, 0, static_cast<unsigned>(DisplayWidth(display, screen)),
                      static_cast<unsigned>(DisplayHeight(display, screen)));
    XSync(display, False);
  }
  XCloseDisplay(display);
  return best != 0;
}

}  // namespace bgm::test
