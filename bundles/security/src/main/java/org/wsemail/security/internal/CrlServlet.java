package org.wsemail.security.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;

/**
 * Publishes this domain's authority's revocation list at {@value RevocationLists#PUBLISHED_AT}
 * (DER, {@code application/pkix-crl}), for other servers to check this domain's certificates: a
 * signed object, so it needs no login. 404 while the domain has no authority.
 */
@Component(service = Servlet.class, property = {
    "osgi.http.whiteboard.servlet.pattern=" + RevocationLists.PUBLISHED_AT,
    "osgi.http.whiteboard.servlet.name=wsemail-ca-crl"})
public class CrlServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final Path list = Path.of(System.getProperty("karaf.etc", ".")).resolve(FileCertificateAuthority.CRL);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!Files.exists(list)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "this domain has no certificate authority");
            return;
        }
        byte[] der = Files.readAllBytes(list);
        response.setContentType("application/pkix-crl");
        response.setContentLength(der.length);
        response.getOutputStream().write(der);
    }
}
