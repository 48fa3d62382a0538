package io.beacon.testkit.nemesis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The disk fault damages a segment's records, never only the zeros the storage writes ahead of them. */
class DiskFaultTest {
    private static final int RECORDS = 300;

    @TempDir
    Path wal;

    /** A segment of RECORDS bytes that are not zero, then 100,000 zeros. */
    private Path segment() throws Exception {
        byte[] bytes = new byte[RECORDS + 100_000];
        Arrays.fill(bytes, 0, RECORDS, (byte) 0x5a);
        return Files.write(wal.resolve("00000000000000000001.wal"), bytes);
    }

    @Test
    void theEndOfTheDataIsPastTheLastByteThatIsNotZero() throws Exception {
        Path segment = segment();
        assertThat(DiskFault.dataEnd(segment)).isEqualTo(RECORDS);
        Files.write(segment, new byte[70_000]);
        assertThat(DiskFault.dataEnd(segment)).isZero();
    }

    @Test
    void everyCutAndFlipLandsInTheRecords() throws Exception {
        int cuts = 0;
        int flips = 0;
        for (int seed = 0; seed < 40; seed++) {
            Path segment = segment();
            byte[] before = Files.readAllBytes(segment);
            String what = DiskFault.damage(wal, new SplittableRandom(seed));
            byte[] after = Files.readAllBytes(segment);
            if (what.startsWith("cut")) {
                assertThat(after.length).as(what).isBetween(RECORDS - 64, RECORDS - 1);
                cuts++;
            } else {
                assertThat(after.length).isEqualTo(before.length);
                int changed = Arrays.mismatch(before, after);
                assertThat(changed).as(what).isBetween(0, RECORDS - 1);
                flips++;
            }
        }
        assertThat(cuts).as("seeds that cut").isPositive();
        assertThat(flips).as("seeds that flipped").isPositive();
    }
}
