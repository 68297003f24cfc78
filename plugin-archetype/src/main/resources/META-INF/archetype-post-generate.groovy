// The plug-in's own SOAP endpoint is generated only with -Dendpoint=true.
import java.nio.file.Files
import java.nio.file.Path

if (request.properties.get("endpoint") != "true") {
    Path project = Path.of(request.outputDirectory, request.artifactId)
    String packagePath = request.properties.get("package").replace('.', '/')
    String className = request.properties.get("className")
    for (String file : ["src/main/java/${packagePath}/${className}Service.java",
                        "src/main/java/${packagePath}/${className}Endpoint.java",
                        "src/test/java/${packagePath}/${className}EndpointTest.java"]) {
        Files.deleteIfExists(project.resolve(file))
    }
}
