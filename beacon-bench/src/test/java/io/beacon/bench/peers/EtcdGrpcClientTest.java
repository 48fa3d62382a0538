package io.beacon.bench.peers;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the etcd client tells an answer, a refusal and a failure apart. */
class EtcdGrpcClientTest {
    @Test
    void aRequestWithoutAnAnswerFailsWithATimeout() {
        CompletableFuture<Boolean> answer = EtcdGrpcClient.answer(new CompletableFuture<>(), 10);
        assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void etcdsRefusalsAreFalseAndItsOtherErrorsFail() throws Exception {
        CompletableFuture<Object> notLeader = CompletableFuture.failedFuture(
                Status.FAILED_PRECONDITION.withDescription("etcdserver: not leader").asRuntimeException());
        assertThat(EtcdGrpcClient.answer(notLeader, 1000).get(10, TimeUnit.SECONDS)).isFalse();

        CompletableFuture<Object> timedOut = CompletableFuture.failedFuture(
                Status.UNAVAILABLE.withDescription("etcdserver: request timed out").asRuntimeException());
        assertThatThrownBy(() -> EtcdGrpcClient.answer(timedOut, 1000).get(10, TimeUnit.SECONDS))
                .hasMessageContaining("request timed out");
        assertThat(EtcdGrpcClient.answer(CompletableFuture.completedFuture("ok"), 1000).get(10, TimeUnit.SECONDS))
                .isTrue();
    }
}
