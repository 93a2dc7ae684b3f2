export * from '@pictor/core/node';
