#pragma once
// The X display for libobs tests, behind plain pointers: Xlib's macros (Status, None, Bool) must not meet the
// project's headers.

#include <string>

namespace bgm::test {

void* open_x_display();  // nullptr without a display
void close_x_display(void* display);
// Moves the biggest shown top-level window whose title starts with `title_prefix` to fill the screen of display
// `display_name` (":91"); Xvfb has no window manager to maximise it. False when there is no such window.
bool fill_screen_with_window(const std::string& display_name, const std::string& title_prefix);
// Asks that window to close (WM_DELETE_WINDOW), as a user closing it; false when there is no such window.
bool close_window_named(const std::string& display_name, const std::string& title_prefix);

}  // namespace bgm::test
