#include "support/x11_display.h"

#include <X11/Xlib.h>

namespace bgm::test {

void* open_x_display() { return XOpenDisplay(nullptr); }

void close_x_display(void* display) {
  if (display) XCloseDisplay(static_cast<::Display*>(display));
}

}  // namespace bgm::test
