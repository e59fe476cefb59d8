#!/usr/bin/env node
import { run } from 'probot';
import { BatonOctokit } from './github/octokit.js';
import { createBaton } from './index.js';

/**
 * `npm start`: Probot's runner with Baton's Octokit (bounded rate-limit
 * retries). With no APP_ID and PRIVATE_KEY it serves Probot's setup page,
 * which registers the app from app.yml.
 */
await run(createBaton(), { Octokit: BatonOctokit });
