import { describe, expect, it } from 'vitest';
import { loadEnv } from '@/env';
import { DEEPSEEK_BASE_URL, llmConfigFromEnv } from './config';

describe('llmConfigFromEnv', () => {
  it('no key, no URL: no model (reports are written without an LLM)', () => {
    const env = loadEnv({});
    expect(env.llm.provider).toBe('none');
    expect(llmConfigFromEnv(env.llm)).toBeUndefined();
  });

  it('DEEPSEEK_API_KEY alone selects deepseek with the default URL and model (deployment guide)', () => {
    const cfg = llmConfigFromEnv(loadEnv({ DEEPSEEK_API_KEY: 'sk-test' }).llm);
    expect(cfg).toMatchObject({
      provider: 'deepseek',
      baseUrl: DEEPSEEK_BASE_URL,
      apiKey: 'sk-test',
      model: 'deepseek-chat',
      timeoutMs: 180_000,
      firstTokenTimeoutMs: 30_000,
      maxRetries: 2,
    });
  });

  it('deepseek honours DEEPSEEK_MODEL_NAME and an LLM_BASE_URL override', () => {
    const cfg = llmConfigFromEnv(
      loadEnv({
        LLM_PROVIDER: 'deepseek',
        DEEPSEEK_API_KEY: 'sk-test',
        DEEPSEEK_MODEL_NAME: 'deepseek-reasoner',
        LLM_BASE_URL: 'https://proxy.example/ds/',
      }).llm,
    );
    expect(cfg).toMatchObject({ baseUrl: 'https://proxy.example/ds', model: 'deepseek-reasoner' });
  });

  it('custom_openai: URL, key and model from the configuration', () => {
    const env = loadEnv({
      LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
      LLM_MODEL: 'qwen2.5',
      LLM_TIMEOUT_SECONDS: '60',
      LLM_MAX_RETRIES: '0',
    });
    expect(env.llm.provider).toBe('custom_openai');
    expect(llmConfigFromEnv(env.llm)).toMatchObject({
      provider: 'custom_openai',
      baseUrl: 'http://127.0.0.1:11434/v1',
      apiKey: undefined,
      model: 'qwen2.5',
      timeoutMs: 60_000,
      maxRetries: 0,
    });
  });

  it('custom_openai without a model or URL is a configuration error', () => {
    expect(() => loadEnv({ LLM_PROVIDER: 'custom_openai', LLM_BASE_URL: 'http://x.example/v1' })).toThrow(
      /LLM_PROVIDER=custom_openai needs LLM_BASE_URL and LLM_MODEL/,
    );
    expect(() => loadEnv({ LLM_BASE_URL: 'ftp://x' })).toThrow(/LLM_BASE_URL must start with http/);
  });

  it('deepseek also takes LLM_API_KEY', () => {
    const cfg = llmConfigFromEnv(loadEnv({ LLM_PROVIDER: 'deepseek', LLM_API_KEY: 'sk-generic' }).llm);
    expect(cfg).toMatchObject({ provider: 'deepseek', apiKey: 'sk-generic', baseUrl: DEEPSEEK_BASE_URL });
  });

  it('LLM_PROVIDER=none wins over a configured key', () => {
    expect(llmConfigFromEnv(loadEnv({ LLM_PROVIDER: 'none', DEEPSEEK_API_KEY: 'sk' }).llm)).toBeUndefined();
  });

  it('REPORTS_DAILY_QUOTA default and validation', () => {
    expect(loadEnv({}).reports.dailyQuota).toBe(20);
    expect(loadEnv({ REPORTS_DAILY_QUOTA: '0' }).reports.dailyQuota).toBe(0);
    expect(() => loadEnv({ REPORTS_DAILY_QUOTA: '-1' })).toThrow(/REPORTS_DAILY_QUOTA/);
  });
});
