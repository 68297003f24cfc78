package org.wsemail.remoteservices.internal;

import static org.junit.Assert.assertEquals;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import javax.xml.namespace.QName;

import org.apache.cxf.interceptor.AbstractBasicInterceptorProvider;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Exchange;
import org.apache.cxf.message.ExchangeImpl;
import org.apache.cxf.message.Message;
import org.apache.cxf.message.MessageImpl;
import org.apache.cxf.service.model.BindingOperationInfo;
import org.apache.cxf.service.model.OperationInfo;
import org.junit.Test;
import org.wsemail.api.runtime.RequestCpuDTO;

/**
 * The sums, stage by stage, with the thread's CPU clock replaced by readings the test gives (the
 * interceptors' places in a real CXF chain are checked by RemoteServicesIT, on a real server).
 */
public class RequestCpuTest {
    private final Deque<Long> readings = new ArrayDeque<>();
    private final RequestCpu cpu = new RequestCpu(readings::removeFirst);
    private final AbstractBasicInterceptorProvider endpoint = new AbstractBasicInterceptorProvider() {
    };

    public RequestCpuTest() {
        cpu.measuring("/wsemail/client").initialize(endpoint, null);
    }

    private static Message request(String operation) {
        Exchange exchange = new ExchangeImpl();
        if (operation != null) {
            OperationInfo info = new OperationInfo();
            info.setName(new QName("http://wsemail.org/2026/mail", operation));
            exchange.put(BindingOperationInfo.class, new BindingOperationInfo(null, info));
        }
        Message message = new MessageImpl();
        message.setExchange(exchange);
        return message;
    }

    /** Runs the interceptors in chain order, the clock reading these values one after another. */
    private static void run(List<Interceptor<? extends Message>> interceptors, Message message) {
        for (Interceptor<? extends Message> interceptor : interceptors) {
            @SuppressWarnings("unchecked")
            Interceptor<Message> typed = (Interceptor<Message>) interceptor;
            typed.handleMessage(message);
        }
    }

    @Test
    public void answeredRequestsAddUpByStageAndOperation() {
        // received, read, served, answered
        readings.addAll(List.of(1_000L, 1_300L, 2_300L, 2_800L));
        run(endpoint.getInInterceptors(), request("send"));
        readings.addAll(List.of(10_000L, 10_100L, 10_600L, 10_800L));
        run(endpoint.getInInterceptors(), request("send"));
        readings.addAll(List.of(20_000L, 20_050L, 20_150L, 20_300L));
        run(endpoint.getInInterceptors(), request("listHeaders"));

        assertEquals(List.of(new RequestCpuDTO("/wsemail/client", "listHeaders", 1, 50, 100, 150, 0, 0),
                new RequestCpuDTO("/wsemail/client", "send", 2, 400, 1_500, 700, 0, 0)), cpu.totals());
        assertEquals(2_600, cpu.totals().get(1).answeredNanos());
    }

    @Test
    public void aFaultCountsApartAndARequestRefusedBeforeItsOperationIsKnownIsUnknown() {
        // refused in the service: received, read, then the fault written
        readings.addAll(List.of(1_000L, 1_200L, 1_900L));
        Message refused = request("send");
        List<Interceptor<? extends Message>> in = endpoint.getInInterceptors();
        run(in.subList(0, 2), refused);
        run(endpoint.getOutFaultInterceptors(), refused);
        // refused by the login check: received, then the fault written
        readings.addAll(List.of(5_000L, 5_400L));
        Message anonymous = request(null);
        run(in.subList(0, 1), anonymous);
        run(endpoint.getOutFaultInterceptors(), anonymous);

        assertEquals(List.of(new RequestCpuDTO("/wsemail/client", RequestCpu.UNKNOWN, 0, 0, 0, 0, 1, 400),
                new RequestCpuDTO("/wsemail/client", "send", 0, 0, 0, 0, 1, 900)), cpu.totals());
    }
}
