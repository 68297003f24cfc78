package org.wsemail.desktop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import javax.swing.SwingUtilities;

import com.formdev.flatlaf.FlatLightLaf;

/**
 * {@code bin/wsemail-gui}: the desktop client. Swing, for it comes with Java (nothing more to install
 * beside the client's own jars) and runs under a plain X server such as Xvfb for its tests, with
 * FlatLaf for a modern look. Logs in (password or certificate file), then shows the inbox.
 */
public final class DesktopClient {
    private DesktopClient() {
    }

    public static void main(String[] args) {
        java.util.logging.LogManager.getLogManager().reset();
        Duration refresh = Duration.ofSeconds(Long.getLong("wsemail.gui.refresh.seconds", 10));
        SwingUtilities.invokeLater(() -> start(Session.defaultFile(), refresh, window -> { }));
    }

    /**
     * Shows the login window (on the event thread); once logged in, the main window, handed to
     * {@code opened} as well.
     *
     * @param settings the settings file the login window reads and saves
     */
    public static javax.swing.JFrame start(Path settings, Duration refresh, Consumer<javax.swing.JFrame> opened) {
        FlatLightLaf.setup();
        LoginWindow login = new LoginWindow(settings, (client, roots) -> {
            MainWindow main = new MainWindow(client, refresh, new FormView.Plugins(settings.resolveSibling("plugins"), client, roots));
            main.setVisible(true);
            opened.accept(main);
        });
        login.setVisible(true);
        return login;
    }
}
