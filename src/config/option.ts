/**
 * Typed schema definitions: an option is one convict entry (doc, format, default, env, flag)
 * that also carries its TypeScript type and, where the program wants something other than the
 * value as given (milliseconds, a list, a parsed file), the derivation that makes it. The
 * schema tree is shaped like the Config the program reads; each option names its config-file
 * key, so file keys (a public contract) and Config property names evolve apart.
 *
 * `ConfigOf<tree>` is the Config type; `deriveConfig` builds its value; `walkOptions` is the one
 * walk over the options that convict's schema, --help, the docs table and error messages share.
 */
import type { BuiltinFormatTypes, CustomFormatTypes } from './formats.js';

type NamedFormats = CustomFormatTypes & BuiltinFormatTypes;

/** What convict accepts as `format` here: a constructor, a list of allowed strings, or a name. */
export type Format = BooleanConstructor | StringConstructor | NumberConstructor | readonly string[] | keyof NamedFormats;

/** The type convict hands back for a format. */
export type Parsed<F> = F extends BooleanConstructor
  ? boolean
  : F extends StringConstructor
    ? string
    : F extends NumberConstructor
      ? number
      : F extends readonly (infer E)[]
        ? E
        : F extends keyof NamedFormats
          ? NamedFormats[F]
          : never;

export interface DeriveContext {
  /** The environment being loaded (after *_FILE reads), for variables Node itself owns. */
  env: NodeJS.ProcessEnv;
  /**
   * Another option's derived value. A rule spanning options reads through this, so it lives
   * next to the entry it is about; each derivation runs once, however often it is read.
   */
  valueOf<T>(option: Option<T>): T;
  /** Records a problem and carries on, so that one run reports them all. Never put a value of a sensitive option in it. */
  problem(message: string): void;
}

export interface OptionSpec<F extends Format, T> {
  /** Dotted config-file key (`--config file.json`); convict reports problems under it. */
  key: string;
  doc: string;
  format: F;
  default: Parsed<F>;
  env: string;
  /** CLI flag without `--`; none for secrets (a flag would show in `ps`). */
  arg?: string;
  /** Kept out of --help defaults and of error messages. */
  sensitive?: boolean;
  /** A variable naming a file that holds the value (Docker and Kubernetes secrets). */
  fileEnv?: string;
  /** An older name of `env`, read when `env` is not set. */
  legacyEnv?: string;
  /** Turns the value as validated into the value Config holds. */
  derive?: (value: Parsed<F>, context: OptionContext) => T;
}

/** What a derivation may say of its own option: the names users know it by. */
export interface OptionContext extends DeriveContext {
  option: Pick<OptionSpec<Format, unknown>, 'key' | 'env' | 'arg' | 'fileEnv'>;
}

/** A schema entry whose Config value has type T. */
export class Option<T = unknown> {
  // Nominal: a group of options must never be mistaken for one.
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: carries T for the type system only
  readonly #type?: T;
  constructor(readonly spec: Readonly<OptionSpec<Format, T>>) {}
}

/** A Config value computed from several options (or none, e.g. from `env`). */
export class Derived<T = unknown> {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: carries T for the type system only
  readonly #type?: T;
  constructor(
    readonly parts: SchemaTree,
    readonly derive: (values: any, context: DeriveContext) => T,
  ) {}
}

export type SchemaNode = Option<any> | Derived<any> | SchemaTree;
export interface SchemaTree {
  readonly [key: string]: SchemaNode;
}

/**
 * An option whose type follows from its format (literal unions for a list of strings), or from
 * `derive` when it has one; the default must have the format's type. Two signatures, so that no
 * type parameter is left for an expected `Option<any>` (inside derived()) to fill in.
 */
export function option<const F extends Format>(spec: OptionSpec<F, Parsed<F>> & { derive?: undefined }): Option<Parsed<F>>;
export function option<const F extends Format, T>(spec: OptionSpec<F, T> & { derive: OptionSpec<F, T>['derive'] & {} }): Option<T>;
export function option(spec: OptionSpec<Format, unknown>): Option {
  return new Option(spec);
}

/** A Config value made from `parts` (options, listed where they appear in --help) by `derive`. */
export function derived<P extends SchemaTree, T>(parts: P, derive: (values: ConfigOf<P>, context: DeriveContext) => T): Derived<T> {
  return new Derived(parts, derive);
}

type ValueOf<N> = N extends Option<infer T> ? T : N extends Derived<infer T> ? T : N extends SchemaTree ? ConfigOf<N> : never;
type Flatten<T> = { [K in keyof T]: T[K] };

/** The Config shape of a schema tree: values that may be undefined become optional properties. */
export type ConfigOf<S> = Flatten<
  { [K in keyof S as undefined extends ValueOf<S[K]> ? never : K]: ValueOf<S[K]> } & {
    [K in keyof S as undefined extends ValueOf<S[K]> ? K : never]?: ValueOf<S[K]>;
  }
>;

/** Every option of the tree, in schema order (the order of --help and the docs table). */
export function* walkOptions(tree: SchemaTree): Generator<Option> {
  for (const node of Object.values(tree)) {
    if (node instanceof Option) yield node;
    else if (node instanceof Derived) yield* walkOptions(node.parts);
    else yield* walkOptions(node);
  }
}

/**
 * The Config value of `tree`: each option's validated value (`read`), through its `derive`.
 * Problems go to `problems`; the result is meaningful only when none were added.
 */
export function deriveConfig<S extends SchemaTree>(tree: S, read: (option: Option) => unknown, env: NodeJS.ProcessEnv, problems: string[]): ConfigOf<S> {
  const values = new Map<Option, unknown>();
  const running = new Set<Option>();
  const context: DeriveContext = {
    env,
    problem: (message) => problems.push(message),
    valueOf<T>(option: Option<T>): T {
      if (values.has(option)) return values.get(option) as T;
      if (running.has(option)) throw new Error(`config schema: ${option.spec.key} derives from itself`);
      running.add(option);
      const raw = read(option) as never;
      let value: unknown = raw;
      try {
        if (option.spec.derive) value = option.spec.derive(raw, { ...context, option: option.spec });
      } catch {
        // A value of the wrong shape (an object from a config file where text belongs) that a
        // derivation cannot take: one more problem to report, never a crash; the value itself
        // is not repeated, it may be a secret.
        problems.push(`${option.spec.env}${option.spec.arg ? ` / --${option.spec.arg}` : ''}: not a value this option takes`);
        value = undefined;
      }
      running.delete(option);
      values.set(option, value);
      return value as T;
    },
  };
  const evaluate = (node: SchemaNode): unknown => {
    if (node instanceof Option) return context.valueOf(node);
    if (node instanceof Derived) return node.derive(evaluate(node.parts), context);
    // Keys stay present when undefined: Config has one shape whatever the environment.
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, evaluate(child)]));
  };
  return evaluate(tree) as ConfigOf<S>;
}

/** The plain convict schema: each option's convict fields, nested by its config-file key. */
export function convictSchema(tree: SchemaTree): Record<string, unknown> {
  const root: Record<string, any> = {};
  for (const { spec } of walkOptions(tree)) {
    const path = spec.key.split('.');
    let node = root;
    for (const part of path.slice(0, -1)) node = node[part] ??= {};
    const { doc, format, default: value, env, arg, sensitive } = spec;
    node[path.at(-1)!] = { doc, format, default: value, env, ...(arg && { arg }), ...(sensitive && { sensitive }) };
  }
  return root;
}
