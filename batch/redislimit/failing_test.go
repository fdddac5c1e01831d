package redislimit

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// errDown is what a failing Scripter answers.
var errDown = errors.New("dial tcp 127.0.0.1:1: connect: connection refused")

// failing is a Redis that never answers.
type failing struct{}

func (failing) fail(ctx context.Context) *redis.Cmd {
	cmd := redis.NewCmd(ctx)
	cmd.SetErr(errDown)
	return cmd
}

func (f failing) Eval(ctx context.Context, _ string, _ []string, _ ...any) *redis.Cmd {
	return f.fail(ctx)
}

func (f failing) EvalSha(ctx context.Context, _ string, _ []string, _ ...any) *redis.Cmd {
	return f.fail(ctx)
}

func (f failing) EvalRO(ctx context.Context, _ string, _ []string, _ ...any) *redis.Cmd {
	return f.fail(ctx)
}

func (f failing) EvalShaRO(ctx context.Context, _ string, _ []string, _ ...any) *redis.Cmd {
	return f.fail(ctx)
}

func (failing) ScriptExists(ctx context.Context, _ ...string) *redis.BoolSliceCmd {
	cmd := redis.NewBoolSliceCmd(ctx)
	cmd.SetErr(errDown)
	return cmd
}

func (failing) ScriptLoad(ctx context.Context, _ string) *redis.StringCmd {
	cmd := redis.NewStringCmd(ctx)
	cmd.SetErr(errDown)
	return cmd
}

// flaky fails while down is set, and passes through otherwise.
type flaky struct {
	redis.Scripter
	down *bool
}

func (f flaky) EvalSha(ctx context.Context, sha string, keys []string, args ...any) *redis.Cmd {
	if *f.down {
		return failing{}.fail(ctx)
	}
	return f.Scripter.EvalSha(ctx, sha, keys, args...)
}

func (f flaky) Eval(ctx context.Context, src string, keys []string, args ...any) *redis.Cmd {
	if *f.down {
		return failing{}.fail(ctx)
	}
	return f.Scripter.Eval(ctx, src, keys, args...)
}
