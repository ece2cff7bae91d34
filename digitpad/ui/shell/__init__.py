"""The application: main window, menus, presenter mode, what starts and ends it."""
