package io.beacon.server.nacos;

import io.beacon.registry.NamingRegistry;
import io.beacon.registry.command.Commands;
import io.beacon.registry.model.ClusterView;
import io.beacon.registry.model.Host;
import io.beacon.registry.model.Instance;
import io.beacon.registry.model.NacosErrors;
import io.beacon.registry.model.NamingDefaults;
import io.beacon.registry.model.Page;
import io.beacon.registry.model.ServiceKey;
import io.beacon.registry.model.ServiceSummary;
import io.beacon.registry.model.ServiceView;
import io.beacon.registry.request.Validation;
import io.beacon.server.http.HttpCall;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /v1/ns/service}: create (POST), update (PUT), delete (DELETE) and detail (GET) of a service,
 * {@code /service/list} (nacos-client's getServicesOfServer), and the console's {@code /catalog/services} and
 * {@code /catalog/instances}. Reads are served from this member's copy, as Nacos serves them.
 */
public final class ServiceEndpoints {
    private final NamingService naming;
    private final NamingRegistry registry;

    public ServiceEndpoints(NamingService naming) {
        this.naming = naming;
        this.registry = naming.registry();
    }

    void register(Map<String, NacosRoutes.Endpoint> endpoints) {
        endpoints.put("POST /v1/ns/service", this::create);
        endpoints.put("PUT /v1/ns/service", this::update);
        endpoints.put("DELETE /v1/ns/service", this::delete);
        endpoints.put("GET /v1/ns/service", this::detail);
        endpoints.put("GET /v1/ns/service/list", this::list);
        endpoints.put("GET /v1/ns/catalog/services", this::catalogServices);
        endpoints.put("GET /v1/ns/catalog/instances", this::catalogInstances);
    }

    private CompletableFuture<Object> create(NacosParams params, HttpCall call) {
        ServiceKey key = Validation.serviceKey(params);
        return naming.propose(Commands.createService(naming.now(), key, Validation.serviceDefinition(params)))
                .thenApply(applied -> "ok");
    }

    private CompletableFuture<Object> update(NacosParams params, HttpCall call) {
        ServiceKey key = Validation.serviceKey(params);
        return naming.propose(Commands.updateService(naming.now(), key, Validation.serviceDefinition(params)))
                .thenApply(applied -> "ok");
    }

    private CompletableFuture<Object> delete(NacosParams params, HttpCall call) {
        ServiceKey key = Validation.serviceKey(params);
        return naming.propose(Commands.deleteService(naming.now(), key)).thenApply(applied -> "ok");
    }

    private CompletableFuture<Object> detail(NacosParams params, HttpCall call) {
        ServiceKey key = Validation.serviceKey(params);
        ServiceView service = registry.service(key).orElseThrow(() -> new NacosException(404,
                "service " + key.groupedName() + " is not found!"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("namespaceId", key.namespaceId());
        body.put("name", key.serviceName());
        body.put("groupName", key.groupName());
        body.put("protectThreshold", service.protectThreshold());
        body.put("metadata", service.definition().metadata());
        Map<String, Object> selector = new LinkedHashMap<>();
        selector.put("type", service.definition().selector().type());
        if (!service.definition().selector().expression().isEmpty()) {
            selector.put("expression", service.definition().selector().expression());
        }
        body.put("selector", selector);
        List<Map<String, Object>> clusters = new ArrayList<>();
        for (ClusterView cluster : service.clusters()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", cluster.name());
            json.put("healthChecker", Map.of("type", "NONE"));
            json.put("metadata", cluster.metadata());
            clusters.add(json);
        }
        body.put("clusters", clusters);
        return CompletableFuture.completedFuture(body);
    }

    private CompletableFuture<Object> list(NacosParams params, HttpCall call) {
        int pageNo = Validation.positiveInt(params, "pageNo");
        int pageSize = Validation.positiveInt(params, "pageSize");
        Page<String> page = registry.serviceNames(Validation.namespaceId(params),
                params.optional("groupName", NamingDefaults.GROUP), pageNo, pageSize);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", page.totalCount());
        body.put("doms", page.items());
        return CompletableFuture.completedFuture(body);
    }

    private CompletableFuture<Object> catalogServices(NacosParams params, HttpCall call) {
        int pageNo = Validation.positiveInt(params, "pageNo");
        int pageSize = Validation.positiveInt(params, "pageSize");
        Page<ServiceSummary> page = registry.catalogServices(Validation.namespaceId(params),
                params.optional("groupNameParam", ""), params.optional("serviceNameParam", ""), pageNo, pageSize);
        List<Map<String, Object>> services = new ArrayList<>();
        for (ServiceSummary summary : page.items()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", summary.key().serviceName());
            json.put("groupName", summary.key().groupName());
            json.put("clusterCount", summary.clusterCount());
            json.put("ipCount", summary.instanceCount());
            json.put("healthyInstanceCount", summary.healthyInstanceCount());
            json.put("triggerFlag", "false");
            services.add(json);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", page.totalCount());
        body.put("serviceList", services);
        return CompletableFuture.completedFuture(body);
    }

    private CompletableFuture<Object> catalogInstances(NacosParams params, HttpCall call) {
        ServiceKey key = Validation.serviceKey(params);
        String cluster = Validation.required(params, "clusterName");
        int pageNo = Validation.positiveInt(params, "pageNo");
        int pageSize = Validation.positiveInt(params, "pageSize");
        List<Instance> instances = registry.clusterInstances(key, cluster)
                .orElseThrow(() -> new NacosException(400, NacosErrors.serviceNotFoundForCluster(key)));
        Page<Instance> page = Page.of(instances, pageNo, pageSize);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Instance instance : page.items()) {
            list.add(InstanceListJson.host(Host.of(instance, instance.healthy())));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", page.totalCount());
        body.put("list", list);
        return CompletableFuture.completedFuture(body);
    }
}
