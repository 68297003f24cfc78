package org.wsemail.shell.internal;

import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.api.runtime.RequestCpuDTO;

@Command(scope = "wsemail", name = "request-cpu",
        description = "Shows the CPU time the requests of each SOAP operation took on the threads that served them, since the"
                + " remote services started: per answered request in all and by stage (reading and security checks; the service;"
                + " writing and signing the answer), and per fault")
@Service
public class RequestCpuCommand extends EndpointCommandSupport {

    @Option(name = "--totals", description = "Sums in milliseconds instead of means, for a script to take differences")
    boolean totals;

    @Override
    public Object execute() {
        List<RequestCpuDTO> operations = endpoints().requestCpu();
        if (operations.isEmpty()) {
            System.out.println("No request measured yet (or this JVM cannot measure a thread's CPU time).");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Endpoint");
        table.column("Operation");
        String unit = totals ? "ms in all" : "ms each";
        for (String column : List.of("Answered", "CPU " + unit, "Reading, checks", "Service", "Answer", "Faults",
                "Fault CPU " + unit)) {
            table.column(column).alignRight();
        }
        for (RequestCpuDTO operation : operations) {
            // With --totals the sums are shown as they are (divided by 1), else per request.
            long perAnswer = totals ? 1 : operation.answered();
            long perFault = totals ? 1 : operation.faults();
            table.addRow().addContent(operation.address(), operation.operation(), operation.answered(),
                    millis(operation.answeredNanos(), perAnswer), millis(operation.readNanos(), perAnswer),
                    millis(operation.serviceNanos(), perAnswer), millis(operation.answerNanos(), perAnswer), operation.faults(),
                    millis(operation.faultNanos(), perFault));
        }
        table.print(System.out, !noFormat);
        return null;
    }

    /** {@code nanos} over {@code count}, in milliseconds; "-" when there is nothing to divide. */
    private static String millis(long nanos, long count) {
        return count == 0 ? "-" : String.format(Locale.ROOT, "%.3f", nanos / 1e6 / count);
    }
}
