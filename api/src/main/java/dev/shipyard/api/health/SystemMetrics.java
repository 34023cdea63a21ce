package dev.shipyard.api.health;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import org.springframework.stereotype.Component;

/** Process measurements: uptime, heap use and CPU load of this JVM. */
@Component
public class SystemMetrics {

  public long uptimeSeconds() {
    return ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
  }

  /** Used heap as a percentage of the maximum heap. */
  public double memoryPercent() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
    return round(100.0 * heap.getUsed() / max);
  }

  /** Recent CPU load of this process as a percentage of all cores (0 until the JVM knows). */
  public double cpuPercent() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      double load = os.getProcessCpuLoad();
      return load < 0 ? 0 : round(100.0 * load);
    }
    return 0;
  }

  public static double round(double value) {
    return Math.round(value * 10.0) / 10.0;
  }
}
