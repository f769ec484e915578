#pragma once
// The X display for libobs tests, behind plain pointers: Xlib's macros (Status, None, Bool) must not meet the
// project's headers.

namespace bgm::test {

void* open_x_display();  // nullptr without a display
void close_x_display(void* display);

}  // namespace bgm::test
