export * from './fakes/fake-http-server';
export * from './fakes/fake-openai-server';
