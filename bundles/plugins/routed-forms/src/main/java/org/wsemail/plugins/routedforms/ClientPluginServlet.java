package org.wsemail.plugins.routedforms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Serves the published client plug-ins at {@code /client-plugins/NAME/VERSION.jar}: signed jars, so
 * no login is needed to fetch one (a client checks the signature and the SHA-256 the form names).
 */
@Component(service = Servlet.class, property = {
    "osgi.http.whiteboard.servlet.pattern=" + ClientPluginLibrary.SERVED_AT + "/*",
    "osgi.http.whiteboard.servlet.name=wsemail-client-plugins"})
public class ClientPluginServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient ClientPluginLibrary library;

    @Activate
    public ClientPluginServlet(@Reference ClientPluginLibrary library) {
        this.library = library;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = Optional.ofNullable(request.getPathInfo()).orElse("");
        String[] parts = path.split("/");
        Optional<Path> jar = parts.length == 3 && parts[2].endsWith(".jar")
                ? library.jar(parts[1], parts[2].substring(0, parts[2].length() - ".jar".length())) : Optional.empty();
        if (jar.isEmpty()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "no such client plug-in: " + path);
            return;
        }
        response.setContentType("application/java-archive");
        response.setContentLengthLong(Files.size(jar.get()));
        Files.copy(jar.get(), response.getOutputStream());
    }
}
