/**
 * Test support: a view of an object (a database handle, say) whose one method goes through a hook, so a test can
 * count its calls or make one of them fail, while everything else reaches the real object.
 */

/**
 * @param target - the real object; it is not changed
 * @param name - the method to intercept
 * @param around - called instead of the method with `call` (the real method, bound to `target`) and the arguments
 */
export function interceptMethod<T extends object>(
  target: T,
  name: string,
  around: (call: (...args: unknown[]) => unknown, args: unknown[]) => unknown,
): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (prop === name) {
        const real = Reflect.get(obj, prop, receiver) as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => around((...a) => real.apply(obj, a), args);
      }
      return Reflect.get(obj, prop, receiver);
    },
  });
}
