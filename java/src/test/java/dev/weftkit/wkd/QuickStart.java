package dev.weftkit.wkd;

import dev.weftkit.wkd.*;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public class QuickStart {
    public static void main(String[] args) throws InterruptedException {
        // Two nodes on loopback; port 0 picks a free port.
        try (Node seed = Node.builder().preset(Preset.LOCAL).name("seed").bind("127.0.0.1:0").start();
             Node db = Node.builder().preset(Preset.LOCAL).name("db-1").bind("127.0.0.1:0")
                     .option("probe_interval_ms", 500)
                     .start()) {

            // What db-1 serves, gossiped to the whole cluster.
            db.register(Registration.builder()
                    .databaseType("postgres").wireProtocol("pgwire").endpoint("127.0.0.1:5432")
                    .groups("orders").tag("zone", "a")
                    .build());

            // Listeners run on a thread of the binding, one per watch.
            BlockingQueue<Member> orders = new LinkedBlockingQueue<>();
            BlockingQueue<String> greetings = new LinkedBlockingQueue<>();
            seed.watchGroup("orders", true, event -> {
                if (event instanceof MemberEvent m && m.type() == EventType.MEMBER_JOINED) {
                    orders.add(m.member());
                }
            });
            seed.watchUserEvents("hello", event -> greetings.add(((UserEvent) event).payloadText()));

            db.join(seed.localAddress(), Duration.ofSeconds(5));

            Member joined = orders.poll(30, TimeUnit.SECONDS);
            if (joined == null) {
                throw new IllegalStateException("db-1 was not seen in group orders");
            }
            System.out.println(joined.name() + " serves " + joined.databaseType()
                    + " at " + joined.endpoint() + " in zone " + joined.tags().get("zone"));

            List<Member> postgres = seed.members(MemberFilter.builder()
                    .databaseType("postgres").states(MemberState.ALIVE).build());
            System.out.println("postgres members: " + postgres.size());

            db.fireEvent("hello", "from db-1");
            String greeting = greetings.poll(30, TimeUnit.SECONDS);
            if (greeting == null) {
                throw new IllegalStateException("the user event did not arrive");
            }
            System.out.println("seed got: " + greeting);

            db.leave(Duration.ofSeconds(5));
        }
    }
}
