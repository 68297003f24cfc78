package org.wsemail.itests.e2e.faulty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** {@link MisbehavingPlugin} as a plug-in bundle: its class, a Declarative Services component, a manifest. */
public final class PluginJar {
    /** The plug-in's name in the server's chains. */
    public static final String NAME = "misbehaving";

    private PluginJar() {
    }

    public static Path write(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "org.wsemail.itests.misbehaving");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "org.wsemail.api;version=\"[1.2,2)\",org.wsemail.api.plugin;version=\"[1.2,2)\"");
        main.putValue("Service-Component", "OSGI-INF/misbehaving.xml");
        String className = MisbehavingPlugin.class.getName();
        String component = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.4.0\" name=\"" + className + "\">\n"
                + "  <property name=\"wsemail.plugin.name\" type=\"String\" value=\"" + NAME + "\"/>\n"
                + "  <service><provide interface=\"org.wsemail.api.plugin.SendingProcessor\"/></service>\n"
                + "  <implementation class=\"" + className + "\"/>\n"
                + "</scr:component>\n";
        String classFile = className.replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream bytes = PluginJar.class.getClassLoader().getResourceAsStream(classFile)) {
            out.putNextEntry(new JarEntry("OSGI-INF/misbehaving.xml"));
            out.write(component.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new JarEntry(classFile));
            bytes.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
