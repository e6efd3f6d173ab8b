package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cosi-project/runtime/pkg/resource"
	"github.com/cosi-project/runtime/pkg/state"
	"go.yaml.in/yaml/v4"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/siderolabs/talos/pkg/machinery/api/common"
	machineapi "github.com/siderolabs/talos/pkg/machinery/api/machine"
	"github.com/siderolabs/talos/pkg/machinery/client"
	clientconfig "github.com/siderolabs/talos/pkg/machinery/client/config"

	// The resource types the product reads register their protobuf decoders in init(), so the COSI
	// client hands back Talos's own typed resources.
	_ "github.com/siderolabs/talos/pkg/machinery/resources/block"
	_ "github.com/siderolabs/talos/pkg/machinery/resources/cluster"
	_ "github.com/siderolabs/talos/pkg/machinery/resources/config"
	_ "github.com/siderolabs/talos/pkg/machinery/resources/network"
	_ "github.com/siderolabs/talos/pkg/machinery/resources/runtime"
	_ "github.com/siderolabs/talos/pkg/machinery/resources/v1alpha1"
)

// clientRequest: how to connect (a talosconfig, or maintenance mode: insecure, optionally pinned to
// SPKI fingerprints, exactly as talosctl --insecure does), which node to target (the `node` metadata
// apid routes by), and the calls to make, in order, on one client.
type clientRequest struct {
	Talosconfig  string       `json:"talosconfig,omitempty"`
	Context      string       `json:"context,omitempty"`
	Endpoints    []string     `json:"endpoints,omitempty"`
	Maintenance  string       `json:"maintenance,omitempty"`
	Fingerprints []string     `json:"fingerprints,omitempty"`
	Node         string       `json:"node,omitempty"`
	TimeoutMs    int          `json:"timeoutMs,omitempty"`
	Calls        []clientCall `json:"calls"`
}

type clientCall struct {
	Call      string `json:"call"`
	Namespace string `json:"namespace,omitempty"`
	Type      string `json:"type,omitempty"`
	ID        string `json:"id,omitempty"`
	// Logs: the service or container id and driver ("containerd" or "cri"); tail lines.
	Driver string `json:"driver,omitempty"`
	Tail   int32  `json:"tail,omitempty"`
	// ApplyConfiguration (always a dry run) and MetaWrite.
	Data string `json:"data,omitempty"`
	Mode string `json:"mode,omitempty"`
	Key  uint8  `json:"key,omitempty"`
	// EtcdRecover: the snapshot's bytes, base64. Bootstrap: recover_etcd and recover_skip_hash_check.
	DataBase64           string `json:"dataBase64,omitempty"`
	RecoverEtcd          bool   `json:"recoverEtcd,omitempty"`
	RecoverSkipHashCheck bool   `json:"recoverSkipHashCheck,omitempty"`
}

type callError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type callResult struct {
	Call   string     `json:"call"`
	Result any        `json:"result,omitempty"`
	Error  *callError `json:"error,omitempty"`
}

func init() {
	register("client", "machinery's client calling a node: Version, ServiceList, Etcd*, COSI Get/List/Watch, Logs, Dmesg, Containers, LogsContainers, Disks, ApplyConfiguration (dry run), MetaWrite/MetaDelete, Kubeconfig, EtcdRecover, Bootstrap", runClient)
}

func runClient(_ []string, stdin io.Reader) (any, error) {
	var req clientRequest
	if err := json.NewDecoder(stdin).Decode(&req); err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}

	timeout := time.Duration(req.TimeoutMs) * time.Millisecond
	if timeout == 0 {
		timeout = 10 * time.Second
	}

	var opts []client.OptionFunc

	switch {
	case req.Maintenance != "":
		opts = append(opts, client.WithMaintenanceMode(req.Maintenance, req.Fingerprints))
	case req.Talosconfig != "":
		cfg, err := clientconfig.FromString(req.Talosconfig)
		if err != nil {
			return nil, fmt.Errorf("talosconfig: %w", err)
		}

		opts = append(opts, client.WithConfig(cfg))
		if req.Context != "" {
			opts = append(opts, client.WithContextName(req.Context))
		}

		if len(req.Endpoints) > 0 {
			opts = append(opts, client.WithEndpoints(req.Endpoints...))
		}
	default:
		return nil, errors.New("input: neither talosconfig nor maintenance")
	}

	c, err := client.New(context.Background(), opts...)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}

	defer c.Close() //nolint:errcheck

	results := make([]callResult, len(req.Calls))

	for i, call := range req.Calls {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		if req.Node != "" {
			ctx = client.WithNode(ctx, req.Node)
		}

		res, err := doCall(ctx, c, call)
		cancel()

		results[i] = callResult{Call: call.Call, Result: res}
		if err != nil {
			results[i].Error = describeError(err)
		}
	}

	return results, nil
}

// describeError: the gRPC status of a failed call; the COSI client turns NotFound into its own error
// type (state.IsNotFoundError), reported here under the gRPC code it came as.
func describeError(err error) *callError {
	if state.IsNotFoundError(err) {
		return &callError{Code: "NotFound", Message: err.Error()}
	}

	st, _ := status.FromError(err)

	return &callError{Code: st.Code().String(), Message: st.Message()}
}

//nolint:gocyclo,cyclop
func doCall(ctx context.Context, c *client.Client, call clientCall) (any, error) {
	switch call.Call {
	case "Version":
		return protoJSON(c.Version(ctx))
	case "ServiceList":
		return protoJSON(c.ServiceList(ctx))
	case "EtcdStatus":
		return protoJSON(c.EtcdStatus(ctx))
	case "EtcdMemberList":
		return protoJSON(c.EtcdMemberList(ctx, &machineapi.EtcdMemberListRequest{}))
	case "EtcdAlarmList":
		return protoJSON(c.EtcdAlarmList(ctx))
	case "Get":
		r, err := c.COSI.Get(ctx, resource.NewMetadata(call.Namespace, call.Type, call.ID, resource.VersionUndefined))
		if err != nil {
			return nil, err
		}

		return resourceJSON(r)
	case "List":
		list, err := c.COSI.List(ctx, resource.NewMetadata(call.Namespace, call.Type, "", resource.VersionUndefined))
		if err != nil {
			return nil, err
		}

		out := make([]any, 0, len(list.Items))

		for _, r := range list.Items {
			v, err := resourceJSON(r)
			if err != nil {
				return nil, err
			}

			out = append(out, v)
		}

		return out, nil
	case "Watch":
		return watchKind(ctx, c, call)
	case "Logs":
		driver := common.ContainerDriver_CONTAINERD
		if call.Driver == "cri" {
			driver = common.ContainerDriver_CRI
		}

		ns := "system"
		if driver == common.ContainerDriver_CRI {
			ns = "k8s.io"
		}

		stream, err := c.Logs(ctx, ns, driver, call.ID, false, call.Tail)
		if err != nil {
			return nil, err
		}

		return readData(stream.Recv)
	case "Dmesg":
		stream, err := c.Dmesg(ctx, false, false)
		if err != nil {
			return nil, err
		}

		return readData(stream.Recv)
	case "ApplyConfiguration":
		mode, ok := machineapi.ApplyConfigurationRequest_Mode_value[call.Mode]
		if !ok {
			mode = int32(machineapi.ApplyConfigurationRequest_AUTO)
		}

		return protoJSON(c.ApplyConfiguration(ctx, &machineapi.ApplyConfigurationRequest{
			Data: []byte(call.Data), Mode: machineapi.ApplyConfigurationRequest_Mode(mode), DryRun: true,
		}))
	case "MetaWrite":
		return nil, c.MetaWrite(ctx, call.Key, []byte(call.Data))
	case "MetaDelete":
		return nil, c.MetaDelete(ctx, call.Key)
	case "Disks":
		return protoJSON(c.Disks(ctx))
	case "Containers":
		// The Kubernetes containers, as the logs picker lists them (talosctl containers -k).
		return protoJSON(c.Containers(ctx, "k8s.io", common.ContainerDriver_CRI))
	case "LogsContainers":
		return protoJSON(c.LogsContainers(ctx))
	case "EtcdRecover":
		// machinery's own upload: client streaming of common.Data chunks (talosctl bootstrap --recover-from).
		data, err := base64.StdEncoding.DecodeString(call.DataBase64)
		if err != nil {
			return nil, err
		}

		return protoJSON(c.EtcdRecover(ctx, bytes.NewReader(data)))
	case "Bootstrap":
		return nil, c.Bootstrap(ctx, &machineapi.BootstrapRequest{RecoverEtcd: call.RecoverEtcd, RecoverSkipHashCheck: call.RecoverSkipHashCheck})
	case "Kubeconfig":
		b, err := c.Kubeconfig(ctx)
		if err != nil {
			return nil, err
		}

		return map[string]any{"kubeconfig": string(b)}, nil
	default:
		return nil, fmt.Errorf("unknown call %q", call.Call)
	}
}

func protoJSON[T proto.Message](m T, err error) (any, error) {
	if err != nil {
		return nil, err
	}

	b, err := protojson.Marshal(m)
	if err != nil {
		return nil, err
	}

	var v any

	return v, json.Unmarshal(b, &v)
}

// resourceJSON: a resource as Talos's own type decodes it (the client reads proto_spec), with its
// Go type name, so a test sees both what was decoded and into what.
func resourceJSON(r resource.Resource) (any, error) {
	md := r.Metadata()

	specYAML, err := yaml.Marshal(r.Spec())
	if err != nil {
		return nil, fmt.Errorf("marshal spec of %s: %w", md, err)
	}

	var spec any
	if err := yaml.Unmarshal(specYAML, &spec); err != nil {
		return nil, err
	}

	return map[string]any{
		"goType": fmt.Sprintf("%T", r),
		"metadata": map[string]any{
			"namespace": md.Namespace(), "type": md.Type(), "id": md.ID(), "version": md.Version().String(),
			"phase": md.Phase().String(), "labels": md.Labels().Raw(),
		},
		"spec": jsonSafe(spec),
	}, nil
}

// jsonSafe turns yaml's map[string]any trees (and any map[any]any) into something encoding/json takes.
func jsonSafe(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = jsonSafe(x)
		}

		return t
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[fmt.Sprint(k)] = jsonSafe(x)
		}

		return out
	case []any:
		for i, x := range t {
			t[i] = jsonSafe(x)
		}

		return t
	default:
		return v
	}
}

// watchKind: the events a WatchKind with bootstrap contents delivers up to the bootstrapped marker.
func watchKind(ctx context.Context, c *client.Client, call clientCall) (any, error) {
	ch := make(chan state.Event)

	if err := c.COSI.WatchKind(ctx, resource.NewMetadata(call.Namespace, call.Type, "", resource.VersionUndefined), ch, state.WithBootstrapContents(true)); err != nil {
		return nil, err
	}

	var events []any

	for {
		select {
		case <-ctx.Done():
			return map[string]any{"events": events, "bootstrapped": false}, nil
		case ev := <-ch:
			switch ev.Type {
			case state.Errored:
				return nil, ev.Error
			case state.Bootstrapped:
				return map[string]any{"events": events, "bootstrapped": true}, nil
			case state.Created, state.Updated, state.Destroyed, state.Noop:
				v, err := resourceJSON(ev.Resource)
				if err != nil {
					return nil, err
				}

				events = append(events, map[string]any{"type": ev.Type.String(), "resource": v})
			}
		}
	}
}

// readData drains a common.Data stream: the bytes, and the metadata of the first message (hostname,
// error) as apid and the node set it.
func readData(recv func() (*common.Data, error)) (any, error) {
	var (
		data     []byte
		hostname string
		messages int
	)

	for {
		msg, err := recv()
		if errors.Is(err, io.EOF) {
			return map[string]any{"text": string(data), "messages": messages, "hostname": hostname}, nil
		}

		if err != nil {
			return nil, err
		}

		if md := msg.GetMetadata(); md != nil {
			if md.GetError() != "" {
				return nil, errors.New(md.GetError())
			}

			if hostname == "" {
				hostname = md.GetHostname()
			}
		}

		messages++
		data = append(data, msg.GetBytes()...)
	}
}
